//! Properties of the contribution formula over random months, regions, kinds and salaries.

use ansinh_core::{Dong, Month, Rate, Rounding};
use ansinh_rules::Params;
use ansinh_rules::contribution::{Funds, Options, Participant, SupportGroup, assess, resolve};
use proptest::prelude::*;
use std::sync::LazyLock;

static PARAMS: LazyLock<Params> = LazyLock::new(|| Params::embedded().unwrap());

fn month() -> impl Strategy<Value = Month> {
    // July 2025 (first month of the encoded regime) to December 2030.
    (0i32..66).prop_map(|n| Month::new(2025, 7).unwrap().plus(n))
}

fn employee_kind() -> impl Strategy<Value = Participant> {
    prop_oneof![
        Just(Participant::Employee),
        Just(Participant::ForeignEmployee)
    ]
}

fn sum(f: &Funds) -> Dong {
    f.as_array().into_iter().sum()
}

proptest! {
    #[test]
    fn contributions_never_decrease_when_salary_rises(
        m in month(), kind in employee_kind(), region in 1u8..=4,
        a in 2_600_000i64..200_000_000, extra in 0i64..50_000_000,
    ) {
        let r = resolve(&PARAMS, m, kind, region, Options::default()).unwrap();
        let low = assess(&r, Dong(a)).unwrap();
        let high = assess(&r, Dong(a + extra)).unwrap();
        for (l, h) in low.employee.as_array().iter().zip(high.employee.as_array()).chain(low.employer.as_array().iter().zip(high.employer.as_array())) {
            prop_assert!(*l <= h);
        }
        prop_assert!(low.total <= high.total);
    }

    #[test]
    fn caps_hold(m in month(), kind in employee_kind(), region in 1u8..=4, salary in 2_600_000i64..1_000_000_000) {
        let r = resolve(&PARAMS, m, kind, region, Options::default()).unwrap();
        let a = assess(&r, Dong(salary)).unwrap();
        prop_assert!(a.base_social <= r.si_cap);
        prop_assert!(a.base_unemployment <= r.ui_cap);
        prop_assert_eq!(a.employee.pension_survivor, Rounding::HALF_UP_DONG.apply(Dong(salary).min(r.si_cap), Rate::percent(8)));
        if salary >= r.si_cap.get() {
            let at_cap = assess(&r, r.si_cap).unwrap();
            prop_assert_eq!(a.employer.pension_survivor, at_cap.employer.pension_survivor);
            prop_assert_eq!(a.employee.health, at_cap.employee.health);
        }
    }

    #[test]
    fn payers_add_up_to_the_funds_and_the_total(
        m in month(), kind in employee_kind(), region in 1u8..=4, salary in 2_600_000i64..300_000_000,
    ) {
        let r = resolve(&PARAMS, m, kind, region, Options::default()).unwrap();
        let a = assess(&r, Dong(salary)).unwrap();
        prop_assert_eq!(a.employee.total, sum(&a.employee));
        prop_assert_eq!(a.employer.total, sum(&a.employer));
        prop_assert_eq!(a.total, a.employee.total + a.employer.total + a.state.total);
        if kind == Participant::ForeignEmployee {
            prop_assert_eq!(a.employee.unemployment + a.employer.unemployment, Dong::ZERO);
        }
    }

    #[test]
    fn voluntary_person_and_state_share_22_percent(m in month(), income in 1_500_000i64..46_800_000, group in 0usize..5) {
        let group = [SupportGroup::Poor, SupportGroup::IslandOrSpecialZone, SupportGroup::NearPoor, SupportGroup::EthnicMinority, SupportGroup::Other][group];
        let r = resolve(&PARAMS, m, Participant::Voluntary, 1, Options { support_group: Some(group), ..Options::default() }).unwrap();
        let a = assess(&r, Dong(income)).unwrap();
        prop_assert_eq!(a.employee.pension_survivor + a.state.pension_survivor, Rounding::HALF_UP_DONG.apply(Dong(income), Rate::percent(22)));
        prop_assert_eq!(a.employer.total, Dong::ZERO);
    }
}

proptest! {
    /// Each date from a timeline's first entry on falls in exactly one entry.
    #[test]
    fn each_date_falls_in_exactly_one_parameter_range(days in 0i64..(40 * 366)) {
        let date = ansinh_core::Date::constant(2016, 1, 1) + jiff::Span::new().days(days);
        macro_rules! exactly_one {
            ($($name:ident),*) => {$(
                let t = &PARAMS.$name;
                let covering = t.entries().iter().filter(|e| e.covers(date)).count();
                let started = t.entries()[0].from <= date;
                prop_assert_eq!(covering, usize::from(started), "{} on {}", stringify!($name), date);
                prop_assert_eq!(t.at(date).is_ok(), started);
            )*};
        }
        exactly_one!(reference_level, regional_minimum_wage, rural_poverty_line, si_cap, si_floor, ui_cap,
            contribution_rates, occupational_rates, voluntary_support, late_payment, retirement_age, pension,
            odd_months, one_time, sickness, maternity, survivor, unemployment, rounding);
    }
}

proptest! {
    /// L41 Art. 68.2: moving a year of the same career from before the retirement age to after
    /// it never lowers the one-off allowance, and the allowance never falls as years are added.
    #[test]
    fn years_after_the_age_never_lower_the_one_off_allowance(
        months in 360i64..540, after in 0i64..120, more in 0i64..36,
        average in 5_000_000i64..60_000_000,
    ) {
        use ansinh_core::Date;
        use ansinh_rules::pension::{PensionFacts, evaluate};
        use ansinh_rules::retirement::Sex;
        let facts = |months: i64, after: i64| PensionFacts {
            sex: Sex::Male,
            birth: Date::new(1964, 10, 15).unwrap(),
            contribution_months: months,
            average_salary: Dong(average),
            first_contribution_month: None,
            pension_from: Some(Month::new(2026, 5).unwrap().plus(after as i32)),
            months_after_age: None,
            early_months: 0,
            capacity_loss: None,
        };
        let one_off = |m, a| evaluate(&PARAMS, &facts(m, a)).unwrap().0.one_off_allowance;
        let after = after.min(months);
        prop_assert!(one_off(months, after) <= one_off(months, (after + 12).min(months)));
        prop_assert!(one_off(months, after) <= one_off(months + more, after));
    }
}

proptest! {
    /// Law on OSH 84/2015 Art. 48–49: within each kind of allowance, a larger loss of working
    /// capacity or more years contributed never pays less.
    #[test]
    fn occupational_allowances_rise_with_loss_and_years(
        loss in 5i64..100, years in 0i64..40, salary in 0i64..100_000_000,
    ) {
        use ansinh_rules::occupational::{OccupationalFacts, evaluate};
        let facts = |loss: i64, years: i64| OccupationalFacts {
            capacity_loss: Rate::percent(loss),
            salary: Dong(salary),
            contribution_years: years,
            date: ansinh_core::Date::new(2026, 3, 2).unwrap(),
            needs_carer: false,
            died: false,
        };
        let o = |l, y| evaluate(&PARAMS, &facts(l, y)).unwrap().0;
        let (a, more_years) = (o(loss, years), o(loss, years + 1));
        prop_assert!(a.one_time <= more_years.one_time && a.monthly <= more_years.monthly);
        if loss != 30 {
            let more_loss = o(loss + 1, years);
            prop_assert!(a.one_time <= more_loss.one_time && a.monthly <= more_loss.monthly);
        }
    }
}

proptest! {
    /// Vietnam–Korea agreement: a certificate takes the pension-survivor fund away from both
    /// payers and leaves every other fund as it was.
    #[test]
    fn a_certificate_of_coverage_removes_the_pension_survivor_fund_only(
        m in month(), region in 1u8..=4, salary in 2_600_000i64..300_000_000,
    ) {
        let plain = resolve(&PARAMS, m, Participant::ForeignEmployee, region, Options::default()).unwrap();
        let exempt = resolve(&PARAMS, m, Participant::ForeignEmployee, region, Options { pension_survivor_exempt: true, ..Options::default() }).unwrap();
        let (a, b) = (assess(&plain, Dong(salary)).unwrap(), assess(&exempt, Dong(salary)).unwrap());
        prop_assert_eq!(b.employee.pension_survivor, Dong::ZERO);
        prop_assert_eq!(b.employer.pension_survivor, Dong::ZERO);
        for (x, y) in a.employee.as_array().iter().zip(b.employee.as_array()).chain(a.employer.as_array().iter().zip(b.employer.as_array())).enumerate().filter(|(i, _)| i % 5 != 1).map(|(_, p)| p) {
            prop_assert_eq!(*x, y);
        }
        prop_assert_eq!(a.total - b.total, a.employee.pension_survivor + a.employer.pension_survivor);
    }

    /// Armed forces: the Ministry's payment for a conscript never falls as service lengthens,
    /// and never exceeds 22 % of 4 × the reference level (Decree 157/2025 Art. 6).
    #[test]
    fn a_conscripts_contribution_grows_with_service_up_to_four_times_the_reference(
        m in month(), served in 0i32..120, more in 0i32..60,
    ) {
        use ansinh_rules::armed_forces::conscript;
        let (short, ..) = conscript(&PARAMS, m.plus(-served), m).unwrap();
        let (long, ..) = conscript(&PARAMS, m.plus(-served - more), m).unwrap();
        prop_assert!(short.total <= long.total);
        let reference = PARAMS.reference_level.at(m.first_day()).unwrap().value.amount;
        prop_assert!(long.total <= Rounding::HALF_UP_DONG.apply(reference.times(4).unwrap(), Rate::percent(22)));
        prop_assert_eq!(long.total, long.state.pension_survivor);
    }
}

proptest! {
    /// Issue 23: in the long-term projection, higher wage growth never lowers the fund's income
    /// in any year (the same population, the same other assumptions).
    #[test]
    fn higher_wage_growth_never_lowers_income(
        cohorts in proptest::collection::vec((20u8..64, any::<bool>(), 0i64..5_000, 5_000_000i64..60_000_000), 1..8),
        low in 0i64..80_000, extra in 0i64..80_000, entrants in 0i64..2_000,
    ) {
        use ansinh_rules::projection::{Assumptions, Cohort, project};
        use ansinh_rules::retirement::Sex;
        let start: Vec<Cohort> = cohorts.iter().map(|&(age, woman, n, salary)| Cohort {
            age, sex: if woman { Sex::Female } else { Sex::Male }, contributors: n, salary, pensioners: n / 10, pension: salary / 2,
        }).collect();
        let with = |growth: i64| Assumptions {
            start_year: 2026, years: 20, contribution_rate: Rate::percent(22), wage_growth: Rate::from_ppm(growth),
            indexation: Rate::percent(3), investment_return: Rate::percent(5), replacement_rate: Rate::percent(60),
            entrants, entry_age: 22, entry_salary: 6_000_000, exit_rate: Rate::percent(2),
            mortality: vec![(0, Rate::from_ppm(1_000)), (60, Rate::percent(2))],
            retirement_age: vec![(2026, 61, 57), (2028, 62, 58)], initial_reserve: 1_000_000_000_000,
        };
        let (a, b) = (project(&with(low), &start).unwrap(), project(&with(low + extra), &start).unwrap());
        for (x, y) in a.rows.iter().zip(&b.rows) {
            prop_assert!(x.income <= y.income, "{} {} > {}", x.year, x.income, y.income);
        }
    }
}
