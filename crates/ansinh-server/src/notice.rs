//! The employer's monthly notice as CSV and as a printable HTML page.

use ansinh_store::Employer;
use ansinh_store::assessment::{Notice, NoticeWorker};
use std::fmt::Write as _;

fn label(column: &str) -> String {
    let (payer, fund) = column.split_once('_').unwrap_or(("", column));
    let fund = match fund {
        "sickness_maternity" => "Ốm đau – thai sản / Sickness & maternity",
        "pension_survivor" => "Hưu trí – tử tuất / Pension & survivorship",
        "occupational" => "TNLĐ–BNN / Occupational accident & disease",
        "health" => "BHYT / Health insurance",
        "unemployment" => "BHTN / Unemployment insurance",
        other => other,
    };
    let payer = if payer == "employee" {
        "người lao động / employee"
    } else {
        "đơn vị / employer"
    };
    format!("{fund} — {payer}")
}

/// Whose notice: the texts of Vietnam's C12 or of the Lao NSSF's notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Issuer {
    Vietnam,
    Laos,
}

impl Issuer {
    pub fn of(jurisdiction: &ansinh_law::Jurisdiction) -> Issuer {
        if jurisdiction.code == "LA" {
            Issuer::Laos
        } else {
            Issuer::Vietnam
        }
    }
}

/// The rows of a Lao notice: one fund (the NSSF's shares sit in the pension-survivor slots,
/// docs/ARCHITECTURE.md), no Vietnamese late charge.
fn lao_rows(n: &Notice) -> Vec<(String, i64)> {
    let share = |column: &str| n.funds.get(column).copied().unwrap_or(0);
    let mut rows = vec![
        ("ຍອດຍົກມາ / Opening balance".to_string(), n.opening_balance),
        (
            "ກອງທຶນປະກັນສັງຄົມ — ລູກຈ້າງ / NSSF — employee".into(),
            share("employee_pension_survivor"),
        ),
        (
            "ກອງທຶນປະກັນສັງຄົມ — ຫົວໜ່ວຍແຮງງານ / NSSF — employer".into(),
            share("employer_pension_survivor"),
        ),
        (
            "ຕ້ອງປະກອບສ່ວນເດືອນນີ້ / Due for the month".into(),
            n.dues_this_month,
        ),
    ];
    for (month, v) in &n.adjustments {
        rows.push((format!("ປັບປຸງເດືອນ {month} / Adjustment for {month}"), *v));
    }
    rows.push(("ລວມຕ້ອງຈ່າຍ / Total due".into(), n.total_due));
    rows.push(("ຈ່າຍແລ້ວໃນເດືອນ / Paid during the month".into(), n.payments));
    rows.push(("ຍອດເຫຼືອ / Closing balance".into(), n.closing_balance));
    rows
}

fn rows(n: &Notice, issuer: Issuer) -> Vec<(String, i64)> {
    if issuer == Issuer::Laos {
        return lao_rows(n);
    }
    let mut rows: Vec<(String, i64)> =
        vec![("Số dư đầu kỳ / Opening balance".into(), n.opening_balance)];
    rows.extend(n.funds.iter().map(|(c, v)| (label(c), *v)));
    rows.push((
        "Phải đóng tháng này / Due for the month".into(),
        n.dues_this_month,
    ));
    for (month, v) in &n.adjustments {
        rows.push((
            format!("Điều chỉnh tháng {month} / Adjustment for {month}"),
            *v,
        ));
    }
    rows.push(("Tổng phải đóng / Total due".into(), n.total_due));
    rows.push((
        "Đã nộp trong tháng / Paid during the month".into(),
        n.payments,
    ));
    rows.push(("Số dư cuối kỳ / Closing balance".into(), n.closing_balance));
    rows.push(("Tiền chậm đóng / Late charge accrued".into(), n.late_charge));
    rows
}

pub fn to_csv(n: &Notice, issuer: Issuer) -> String {
    let mut out = String::from("employer_code,month,item,amount\n");
    for (item, amount) in rows(n, issuer) {
        let _ = writeln!(
            out,
            "{},{},\"{}\",{amount}",
            n.employer_code,
            n.month,
            item.replace('"', "\"\"")
        );
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The words of one issuer's notice; the document's layout is shared.
struct Texts {
    lang: &'static str,
    title: &'static str,
    font: &'static str,
    agency: &'static str,
    agency_en: &'static str,
    state: &'static str,
    motto: &'static str,
    heading: &'static str,
    heading_en: &'static str,
    month: &'static str,
    unit: &'static str,
    unit_code: &'static str,
    tax: &'static str,
    address: &'static str,
    headcount: &'static str,
    account: &'static str,
    per_worker: &'static str,
    columns: [&'static str; 7],
    total: &'static str,
    pay_to: &'static str,
    /// After each amount of the account table (`" ກີບ"` in Lao; nothing in Vietnamese).
    unit_suffix: &'static str,
    /// How to pay and what the amounts are, with `{code}` and `{month}` to fill.
    how_to_pay: &'static str,
    amounts: &'static str,
}

const VIETNAM: Texts = Texts {
    lang: "vi",
    title: "C12",
    font: "sans-serif",
    agency: "BẢO HIỂM XÃ HỘI VIỆT NAM",
    agency_en: "Vietnam Social Security",
    state: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    motto: "Độc lập – Tự do – Hạnh phúc",
    heading: "THÔNG BÁO KẾT QUẢ ĐÓNG BHXH, BHYT, BHTN",
    heading_en: "Monthly contribution notice (C12)",
    month: "tháng / month",
    unit: "Đơn vị / Employer",
    unit_code: "Mã đơn vị / Unit code",
    tax: "Mã số thuế / Tax code",
    address: "Địa chỉ / Address",
    headcount: "Số lao động / Headcount",
    account: "Tài khoản / Account",
    per_worker: "Chi tiết người lao động / Per worker",
    columns: [
        "STT",
        "Họ tên / Name",
        "Mã số BHXH / SIN",
        "Tiền lương / Salary",
        "Tiền lương đóng / Base",
        "Người lao động / Employee",
        "Đơn vị / Employer",
    ],
    total: "Cộng / Total",
    pay_to: "Nộp vào tài khoản / Pay to:",
    unit_suffix: "",
    how_to_pay: "Nộp tiền vào tài khoản chuyên thu của cơ quan BHXH quản lý đơn vị, ghi rõ mã đơn vị <b>{code}</b> và tháng <b>{month}</b> \
         (L41 Art. 34). Pay into the collection account of the social security office that manages the unit, quoting unit code \
         <b>{code}</b> and month <b>{month}</b>; the closing balance is due by the last day of the following month.",
    amounts: "Số tiền tính bằng đồng, từ các dòng đóng do kỳ tính tháng ghi nhận. Amounts in đồng, from the contribution lines written by the monthly run.",
};

/// The Lao NSSF's monthly notice (ແຈ້ງການເງິນປະກອບສ່ວນ), Lao first with English (Law 54/NA Art. 56:
/// the unit withholds the employee's share and pays both).
const LAOS: Texts = Texts {
    lang: "lo",
    title: "NSSF",
    font: "'Noto Sans Lao','Noto Sans',sans-serif",
    agency: "ກອງທຶນປະກັນສັງຄົມແຫ່ງຊາດ",
    agency_en: "National Social Security Fund",
    state: "ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ",
    motto: "ສັນຕິພາບ ເອກະລາດ ປະຊາທິປະໄຕ ເອກະພາບ ວັດທະນະຖາວອນ",
    heading: "ແຈ້ງການເງິນປະກອບສ່ວນປະກັນສັງຄົມ",
    heading_en: "Monthly social security contribution notice",
    month: "ເດືອນ / month",
    unit: "ຫົວໜ່ວຍແຮງງານ / Labour unit",
    unit_code: "ລະຫັດ / Unit code",
    tax: "ເລກປະຈຳຕົວຜູ້ເສຍອາກອນ / Tax number",
    address: "ທີ່ຢູ່ / Address",
    headcount: "ຈຳນວນລູກຈ້າງ / Headcount",
    account: "ບັນຊີ / Account",
    per_worker: "ລາຍລະອຽດສະມາຊິກ / Per member",
    columns: [
        "ລ/ດ",
        "ຊື່ ແລະ ນາມສະກຸນ / Name",
        "ເລກປະກັນສັງຄົມ / Member number",
        "ເງິນເດືອນ / Salary",
        "ລາຍຮັບທີ່ຕ້ອງປະກອບສ່ວນ / Insurable earnings",
        "ລູກຈ້າງ / Employee",
        "ຫົວໜ່ວຍແຮງງານ / Employer",
    ],
    total: "ລວມ / Total",
    pay_to: "ຈ່າຍເຂົ້າບັນຊີ / Pay to:",
    unit_suffix: " ກີບ",
    how_to_pay: "ຫົວໜ່ວຍແຮງງານຫັກເງິນປະກອບສ່ວນຂອງລູກຈ້າງ ແລະ ຈ່າຍພ້ອມກັບສ່ວນຂອງຕົນ, ລະບຸລະຫັດ <b>{code}</b> ແລະ ເດືອນ <b>{month}</b>. \
         The labour unit withholds the employee's share and pays it with its own (Law 54/NA), quoting unit code <b>{code}</b> and month <b>{month}</b>; \
         the deadline of the end of the following month is a parameter not yet confirmed.",
    amounts: "ຈຳນວນເງິນເປັນກີບ, ຈາກລາຍການທີ່ການຄິດໄລ່ປະຈຳເດືອນບັນທຶກ. Amounts in kip, from the contribution lines written by the monthly run.",
};

/// The notice as a document the employer files and pays from (the C12 of the agency, or the
/// NSSF's notice in Laos): the issuer's heading, the employer's name, code and address, the
/// month's dues per fund and payer, earlier months' adjustments, the account, each worker's
/// line, and how to pay. Prints on A4 (its own print rules; no navigation).
pub fn to_html(
    n: &Notice,
    e: &Employer,
    workers: &[NoticeWorker],
    collection_account: Option<&str>,
    issuer: Issuer,
) -> String {
    let t = match issuer {
        Issuer::Vietnam => &VIETNAM,
        Issuer::Laos => &LAOS,
    };
    // Vietnamese and Lao both group thousands with full stops.
    let grouped = |amount: i64| crate::i18n::Lang::Vi.grouped(amount);
    let address = [e.address.trim(), e.province.trim()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let pay_to = match collection_account {
        Some(account) if !account.trim().is_empty() => format!(
            "<p id=\"pay-to\"><b>{}</b> {}</p>",
            t.pay_to,
            escape(account.trim())
        ),
        _ => String::new(),
    };
    let mut body = String::new();
    for (item, amount) in rows(n, issuer) {
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"n\">{}{}</td></tr>",
            escape(&item),
            grouped(amount),
            t.unit_suffix
        );
    }
    let mut people = String::new();
    for (i, w) in workers.iter().enumerate() {
        let _ = write!(
            people,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            i + 1,
            escape(&w.name),
            escape(&w.sin),
            grouped(w.salary),
            grouped(w.base_social),
            grouped(w.employee_total),
            grouped(w.employer_total)
        );
    }
    let employee: i64 = workers.iter().map(|w| w.employee_total).sum();
    let employer: i64 = workers.iter().map(|w| w.employer_total).sum();
    let code = escape(&n.employer_code);
    let month = escape(&n.month);
    let how_to_pay = t
        .how_to_pay
        .replace("{code}", &code)
        .replace("{month}", &month);
    let c = &t.columns;
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title} {code} {month}</title>\
         <style>body{{font-family:{font};max-width:52rem;margin:2rem auto;padding:0 1rem}}table{{border-collapse:collapse;width:100%;margin:.5rem 0 1.2rem}}\
         td,th{{border-bottom:1px solid #ccc;padding:.3rem;text-align:left}}.n{{text-align:right;font-variant-numeric:tabular-nums}}\
         header{{display:flex;justify-content:space-between;gap:1rem}}header p{{margin:.1rem 0}}h1{{text-align:center;font-size:1.3rem}}\
         .who dt{{float:left;clear:left;width:12rem;color:#555}}.who dd{{margin:0 0 .2rem 12rem}}\
         @media print{{body{{margin:0;max-width:none;font-size:10.5pt}}@page{{size:A4;margin:15mm}}tr{{break-inside:avoid}}}}</style></head>\
         <body><header><div><p><b>{agency}</b></p><p>{agency_en}</p></div>\
         <div><p><b>{state}</b></p><p>{motto}</p></div></header>\
         <h1>{heading}<br><small>{heading_en} — {month_word} {month}</small></h1>\
         <dl class=\"who\"><dt>{unit}</dt><dd><b>{name}</b></dd><dt>{unit_code}</dt><dd>{code}</dd>\
         <dt>{tax_word}</dt><dd>{tax}</dd><dt>{address_word}</dt><dd>{address}</dd>\
         <dt>{headcount_word}</dt><dd>{headcount}</dd></dl>\
         <h2>{account}</h2><table>{body}</table>\
         <h2>{per_worker}</h2><table><thead><tr><th class=\"n\">{c0}</th><th>{c1}</th><th>{c2}</th>\
         <th class=\"n\">{c3}</th><th class=\"n\">{c4}</th><th class=\"n\">{c5}</th><th class=\"n\">{c6}</th></tr></thead>\
         <tbody>{people}</tbody><tfoot><tr><th colspan=\"5\">{total}</th><th class=\"n\">{employee}</th><th class=\"n\">{employer}</th></tr></tfoot></table>{pay_to}\
         <p>{how_to_pay}</p><p>{amounts}</p></body></html>",
        lang = t.lang,
        title = t.title,
        font = t.font,
        agency = t.agency,
        agency_en = t.agency_en,
        state = t.state,
        motto = t.motto,
        heading = t.heading,
        heading_en = t.heading_en,
        month_word = t.month,
        unit = t.unit,
        unit_code = t.unit_code,
        tax_word = t.tax,
        address_word = t.address,
        headcount_word = t.headcount,
        account = t.account,
        per_worker = t.per_worker,
        c0 = c[0],
        c1 = c[1],
        c2 = c[2],
        c3 = c[3],
        c4 = c[4],
        c5 = c[5],
        c6 = c[6],
        total = t.total,
        amounts = t.amounts,
        headcount = n.headcount,
        name = escape(&e.name),
        tax = escape(&e.tax_code),
        address = escape(&address),
        employee = grouped(employee),
        employer = grouped(employer),
    )
}
