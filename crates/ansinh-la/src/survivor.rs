//! Survivors' monthly allowances (ເງິນອຸດໜູນຜູ້ຢູ່ເບື້ອງຫຼັງ), shares of the deceased's last
//! insurable earnings (Law 54/NA as summarised; `survivor.toml`, unconfirmed).

use crate::contribution::Line;
use crate::params::{LaoParams, MissingParam};
use ansinh_core::{Date, Kip, Rate};
use serde::{Deserialize, Serialize};

/// The surviving spouse, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Spouse {
    Husband,
    Wife,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurvivorFacts {
    pub years: i64,
    pub last_salary: Kip,
    pub spouse: Option<Spouse>,
    pub spouse_age: i64,
    pub spouse_has_income: bool,
    /// Children under the age limit.
    pub children: i64,
    /// Dependent parents: 0, 1 or 2.
    pub parents: i64,
    pub date: Date,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SurvivorOutcome {
    pub eligible: bool,
    pub spouse: Kip,
    pub each_child: Kip,
    pub children: Kip,
    pub parents: Kip,
    pub total: Kip,
    pub unconfirmed: bool,
}

/// Spouse 30 % (a husband from 60, a wife from 55, without regular income), each child 20 %
/// until 18, parents 30 % (50 % for both), when the deceased contributed at least 5 years.
pub fn evaluate(
    params: &LaoParams,
    f: &SurvivorFacts,
) -> Result<(SurvivorOutcome, Vec<Line>), MissingParam> {
    let dated = params.survivor.at(f.date)?;
    let p = &dated.value;
    let rounding = params.rounding.at(f.date)?.value.rounding();
    let eligible = f.years >= p.min_years;
    let share = |rate: Rate| {
        if eligible {
            rounding.apply_in(f.last_salary, rate)
        } else {
            Kip::ZERO
        }
    };
    let spouse_qualifies = match f.spouse {
        Some(Spouse::Husband) => f.spouse_age >= p.spouse_age_husband,
        Some(Spouse::Wife) => f.spouse_age >= p.spouse_age_wife,
        None => false,
    } && !f.spouse_has_income;
    let spouse = if spouse_qualifies {
        share(p.spouse)
    } else {
        Kip::ZERO
    };
    let each_child = share(p.child);
    let children = each_child.times(f.children).unwrap_or(Kip(i64::MAX));
    let parents = match f.parents {
        0 => Kip::ZERO,
        1 => share(p.one_parent),
        _ => share(p.both_parents),
    };
    let total = spouse + children + parents;
    let lines = vec![
        Line::new("eligible", "ມີສິດ", "Survivors entitled")
            .value(eligible)
            .formula(format!("years {} ≥ {}", f.years, p.min_years))
            .param("min_years", p.min_years, dated)
            .cite("Law 54/NA (2018)"),
        Line::new("spouse", "ຄູ່ສົມລົດ", "Spouse")
            .amount(spouse)
            .formula(format!(
                "{} × {} when the spouse is of age and without income",
                f.last_salary, p.spouse
            ))
            .param("spouse", p.spouse, dated)
            .cite("Law 54/NA (2018)"),
        Line::new("children", "ລູກ", "Children")
            .amount(children)
            .formula(format!(
                "{} children × {} × {}",
                f.children, f.last_salary, p.child
            ))
            .param("child", p.child, dated)
            .param("child_until_age", p.child_until_age, dated)
            .cite("Law 54/NA (2018)"),
        Line::new("parents", "ພໍ່ແມ່", "Parents")
            .amount(parents)
            .formula(format!("{} parents", f.parents))
            .param("one_parent", p.one_parent, dated)
            .param("both_parents", p.both_parents, dated)
            .cite("Law 54/NA (2018)"),
        Line::new("total", "ລວມ", "Total a month")
            .amount(total)
            .formula(format!("{spouse} + {children} + {parents}")),
    ];
    Ok((
        SurvivorOutcome {
            eligible,
            spouse,
            each_child,
            children,
            parents,
            total,
            unconfirmed: dated.unconfirmed,
        },
        lines,
    ))
}
