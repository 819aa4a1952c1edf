//! Records of the registry as the store returns them and as callers create them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An employer (đơn vị sử dụng lao động).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Employer {
    /// Unit code given by the agency (mã đơn vị), e.g. `TA0001A`.
    pub unit_code: String,
    /// Tax code (mã số thuế): 10 digits, or 10-3 for a branch.
    pub tax_code: String,
    pub name: String,
    pub address: String,
    pub province: String,
    /// Minimum-wage region 1–4 of the place of operation (Decree 293/2025 Art. 3).
    pub region: i64,
    /// Occupational accident rate: `"0.5%"` or `"0.3%"`.
    pub occupational_rate: String,
    /// `active`, `suspended` or `closed`.
    pub status: String,
    pub created_at: String,
}

/// Fields of a new employer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEmployer {
    pub unit_code: String,
    pub tax_code: String,
    pub name: String,
    #[serde(default)]
    pub address: String,
    pub province: String,
    /// Vietnam's minimum-wage region (1–4); absent (0) in Laos, which has one national minimum.
    #[serde(default)]
    pub region: i64,
    #[serde(default = "standard_rate")]
    pub occupational_rate: String,
    #[serde(default = "active")]
    pub status: String,
}

fn standard_rate() -> String {
    "0.5%".into()
}

fn active() -> String {
    "active".into()
}

/// An insured person (người tham gia).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    /// Social insurance number (mã số BHXH), 10 digits.
    pub sin: String,
    /// Personal identification number (số định danh cá nhân), 12 digits.
    pub personal_id: String,
    pub name: String,
    /// `male` or `female`.
    pub sex: String,
    pub birth_date: String,
    /// ISO 3166 alpha-2 code, `VN` for Vietnamese citizens.
    pub nationality: String,
    pub created_at: String,
}

/// Fields of a new person; the social insurance number is issued by the agency when absent.
#[derive(Clone, Debug, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub sin: Option<String>,
    pub personal_id: String,
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    /// Two letters; absent, the deployment's own country (VN, LA).
    #[serde(default)]
    pub nationality: String,
}

/// A change of an employment (leave, suspension, return), never edited once recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EmploymentEvent {
    pub seq: i64,
    /// `leave`, `suspend` or `resume`.
    pub event: String,
    pub date: String,
    pub reason: Option<String>,
    pub batch_id: String,
}

/// A contribution salary from a month on; a correction is a new record that `supersedes` the
/// sequence number it corrects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SalaryRecord {
    pub seq: i64,
    pub effective_month: String,
    pub salary: i64,
    pub allowances: i64,
    pub supersedes: Option<i64>,
    pub batch_id: String,
    pub recorded_at: String,
}

/// An employment period with its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Employment {
    pub employment_id: String,
    pub person_sin: String,
    pub employer_code: String,
    pub start_date: String,
    /// Last day, when a leave was declared.
    pub end_date: Option<String>,
    /// `active`, `suspended` or `ended`.
    pub status: String,
    /// `indefinite`, `definite` or `part_time`.
    pub contract_kind: String,
    pub contract_months: Option<i64>,
    /// `employee` or `foreign_employee`.
    pub participant: String,
    pub events: Vec<EmploymentEvent>,
    pub salaries: Vec<SalaryRecord>,
}

/// Keyset pagination: items after `after` (a key), at most `limit`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, ToSchema)]
pub struct Page {
    pub after: Option<String>,
    pub limit: Option<i64>,
}

impl Page {
    pub const MAX: i64 = 500;

    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, Page::MAX)
    }
}

/// Filters of the employer list.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, ToSchema)]
pub struct EmployerFilter {
    pub province: Option<String>,
    pub region: Option<i64>,
    pub status: Option<String>,
    /// Name contains (case-sensitive).
    pub q: Option<String>,
}

/// Filters of the person list.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, ToSchema)]
pub struct PersonFilter {
    /// Name starts with.
    pub q: Option<String>,
    pub nationality: Option<String>,
    /// Persons with an employment at this employer.
    pub employer: Option<String>,
}
