//! Who a user is to the agency (vai trò): the roles of issue 6 and what each may do.
//!
//! The table [`Role::may`] is the one place that says which role holds which permission; the
//! server checks every route against it (and ownership for employers and insured persons).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A user's role. An `Employer` user acts for one employer, an `Insured` user is one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị: users, audit trail, everything staff may do.
    Administrator,
    /// Cán bộ thu: registry, declarations, monthly runs, payments, urgings.
    CollectionOfficer,
    /// Cán bộ chế độ: benefit estimates, contribution histories.
    BenefitsOfficer,
    /// Giám định viên BHYT: health-claim review.
    HealthAssessor,
    /// Thanh tra (kiểm tra): reads everything; writes only examinations (cases, findings,
    /// sanctions, payments against a case).
    Inspector,
    /// Đơn vị sử dụng lao động: its own workers, declarations, notices, payments.
    Employer,
    /// Người tham gia: their own record.
    Insured,
    /// Công đoàn cơ sở: the grassroots trade union of one employer, which reads its
    /// employer's compliance and its workers' unpaid months and may sue for them (L41 Art. 14.1).
    TradeUnion,
}

/// What a request needs (quyền).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Search and list the whole registry (all employers, all persons).
    SearchRegistry,
    /// Register employers and persons.
    WriteRegistry,
    /// Read one employer's records (an employer user: its own only).
    ReadEmployer,
    /// Read one person's records (an employer: its workers; an insured person: self).
    ReadPerson,
    /// Submit declarations for an employer (an employer user: its own only).
    Declare,
    /// Run the monthly assessment.
    RunAssessment,
    /// Record payments and urgings.
    RecordPayment,
    /// Compliance lists (late payers, evaders), the risk list, examination cases and statistics.
    ReadCompliance,
    /// Open and conduct examinations: cases, findings, sanctions, payments against a case.
    Examine,
    /// Use the calculators of the rules core.
    Calculate,
    /// Read health claims: the review queue, visits, settlements.
    ReadClaims,
    /// Review health claims (decide a visit, import a file).
    ReviewClaims,
    /// Read the audit trail.
    ReadAudit,
    /// Create users and API tokens.
    ManageUsers,
    /// Staff dashboard.
    ViewDashboard,
    /// An employer's compliance as its trade union reads it, and the lawsuit dossier.
    ReadUnion,
    /// File a benefit claim: an officer at the counter, an employer on its list for its
    /// workers, an insured person online for themself.
    FileClaim,
    /// Read the benefit claims' queues, decisions and payrolls.
    ReadBenefits,
    /// Decide and approve benefit claims, run the payroll, suspend and resume entitlements,
    /// enter verified periods.
    DecideBenefits,
    /// Nothing but being signed in (own profile, sign-out).
    SignedIn,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Administrator,
        Role::CollectionOfficer,
        Role::BenefitsOfficer,
        Role::HealthAssessor,
        Role::Inspector,
        Role::Employer,
        Role::Insured,
        Role::TradeUnion,
    ];

    /// Whether the role holds the permission; ownership (which employer, which person) is
    /// checked apart, by the server, for the roles bound to one.
    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match self {
            Administrator => true,
            CollectionOfficer => !matches!(
                p,
                ReadClaims
                    | ReviewClaims
                    | ReadAudit
                    | ManageUsers
                    | Examine
                    | FileClaim
                    | DecideBenefits
            ),
            BenefitsOfficer => matches!(
                p,
                SearchRegistry
                    | ReadEmployer
                    | ReadPerson
                    | Calculate
                    | ViewDashboard
                    | FileClaim
                    | ReadBenefits
                    | DecideBenefits
                    | SignedIn
            ),
            HealthAssessor => matches!(
                p,
                SearchRegistry | ReadPerson | ReadClaims | ReviewClaims | ViewDashboard | SignedIn
            ),
            Inspector => matches!(
                p,
                SearchRegistry
                    | ReadEmployer
                    | ReadPerson
                    | ReadCompliance
                    | Examine
                    | ReadUnion
                    | ReadClaims
                    | ReadAudit
                    | ReadBenefits
                    | ViewDashboard
                    | SignedIn
            ),
            Employer => matches!(
                p,
                ReadEmployer | ReadPerson | Declare | Calculate | FileClaim | SignedIn
            ),
            Insured => matches!(p, ReadPerson | Calculate | FileClaim | SignedIn),
            TradeUnion => matches!(p, ReadUnion | SignedIn),
        }
    }

    /// Staff see every employer and person; the two others only what is theirs.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Employer | Role::Insured | Role::TradeUnion)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::CollectionOfficer => "collection_officer",
            Role::BenefitsOfficer => "benefits_officer",
            Role::HealthAssessor => "health_assessor",
            Role::Inspector => "inspector",
            Role::Employer => "employer",
            Role::Insured => "insured",
            Role::TradeUnion => "trade_union",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, thiserror::Error)]
#[error(
    "`{0}` is not a role (administrator, collection_officer, benefits_officer, health_assessor, inspector, employer, insured, trade_union)"
)]
pub struct RoleError(String);

impl FromStr for Role {
    type Err = RoleError;

    fn from_str(s: &str) -> Result<Role, RoleError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| RoleError(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn bound_roles_hold_no_staff_permission() {
        for r in [Role::Employer, Role::Insured, Role::TradeUnion] {
            for p in [
                Permission::SearchRegistry,
                Permission::WriteRegistry,
                Permission::RunAssessment,
                Permission::RecordPayment,
                Permission::ReadAudit,
                Permission::ReadClaims,
                Permission::ReviewClaims,
                Permission::ManageUsers,
                Permission::ReadBenefits,
                Permission::DecideBenefits,
            ] {
                assert!(!r.may(p), "{r} must not hold {p:?}");
            }
        }
        assert!(!Role::Insured.may(Permission::Declare));
        assert!(Role::Employer.may(Permission::Declare));
    }

    #[test]
    fn inspectors_examine_but_do_not_write_the_registry() {
        assert!(Role::Inspector.may(Permission::ReadAudit));
        assert!(Role::Inspector.may(Permission::Examine));
        assert!(!Role::CollectionOfficer.may(Permission::Examine));
        for p in [
            Permission::WriteRegistry,
            Permission::Declare,
            Permission::RunAssessment,
            Permission::RecordPayment,
        ] {
            assert!(!Role::Inspector.may(p));
        }
    }
}
