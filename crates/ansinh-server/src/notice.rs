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

/// The notice as a document the employer files and pays from (the C12 of the agency): the
/// agency's heading, the employer's name, code and address, the month's dues per fund and
/// payer, earlier months' adjustments, the account, each worker's line, and how to pay. Prints
/// on A4 (its own print rules; no navigation).
pub fn to_html(
    n: &Notice,
    e: &Employer,
    workers: &[NoticeWorker],
    collection_account: Option<&str>,
    issuer: Issuer,
) -> String {
    if issuer == Issuer::Laos {
        return to_html_lao(n, e, workers, collection_account);
    }
    // The document is Vietnamese first: its amounts are grouped the Vietnamese way.
    let vnd = |amount: i64| crate::i18n::Lang::Vi.grouped(amount);
    let address = [e.address.trim(), e.province.trim()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let pay_to = match collection_account {
        Some(account) if !account.trim().is_empty() => format!(
            "<p id=\"pay-to\"><b>Nộp vào tài khoản / Pay to:</b> {}</p>",
            escape(account.trim())
        ),
        _ => String::new(),
    };
    let mut body = String::new();
    for (item, amount) in rows(n, Issuer::Vietnam) {
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&item),
            vnd(amount)
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
            vnd(w.salary),
            vnd(w.base_social),
            vnd(w.employee_total),
            vnd(w.employer_total)
        );
    }
    let employee: i64 = workers.iter().map(|w| w.employee_total).sum();
    let employer: i64 = workers.iter().map(|w| w.employer_total).sum();
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>C12 {code} {month}</title>\
         <style>body{{font-family:sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}}table{{border-collapse:collapse;width:100%;margin:.5rem 0 1.2rem}}\
         td,th{{border-bottom:1px solid #ccc;padding:.3rem;text-align:left}}.n{{text-align:right;font-variant-numeric:tabular-nums}}\
         header{{display:flex;justify-content:space-between;gap:1rem}}header p{{margin:.1rem 0}}h1{{text-align:center;font-size:1.3rem}}\
         .who dt{{float:left;clear:left;width:12rem;color:#555}}.who dd{{margin:0 0 .2rem 12rem}}\
         @media print{{body{{margin:0;max-width:none;font-size:10.5pt}}@page{{size:A4;margin:15mm}}tr{{break-inside:avoid}}}}</style></head>\
         <body><header><div><p><b>BẢO HIỂM XÃ HỘI VIỆT NAM</b></p><p>Vietnam Social Security</p></div>\
         <div><p><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p><p>Độc lập – Tự do – Hạnh phúc</p></div></header>\
         <h1>THÔNG BÁO KẾT QUẢ ĐÓNG BHXH, BHYT, BHTN<br><small>Monthly contribution notice (C12) — tháng / month {month}</small></h1>\
         <dl class=\"who\"><dt>Đơn vị / Employer</dt><dd><b>{name}</b></dd><dt>Mã đơn vị / Unit code</dt><dd>{code}</dd>\
         <dt>Mã số thuế / Tax code</dt><dd>{tax}</dd><dt>Địa chỉ / Address</dt><dd>{address}</dd>\
         <dt>Số lao động / Headcount</dt><dd>{headcount}</dd></dl>\
         <h2>Tài khoản / Account</h2><table>{body}</table>\
         <h2>Chi tiết người lao động / Per worker</h2><table><thead><tr><th class=\"n\">STT</th><th>Họ tên / Name</th><th>Mã số BHXH / SIN</th>\
         <th class=\"n\">Tiền lương / Salary</th><th class=\"n\">Tiền lương đóng / Base</th><th class=\"n\">Người lao động / Employee</th><th class=\"n\">Đơn vị / Employer</th></tr></thead>\
         <tbody>{people}</tbody><tfoot><tr><th colspan=\"5\">Cộng / Total</th><th class=\"n\">{employee}</th><th class=\"n\">{employer}</th></tr></tfoot></table>{pay_to}\
         <p>Nộp tiền vào tài khoản chuyên thu của cơ quan BHXH quản lý đơn vị, ghi rõ mã đơn vị <b>{code}</b> và tháng <b>{month}</b> \
         (L41 Art. 34). Pay into the collection account of the social security office that manages the unit, quoting unit code \
         <b>{code}</b> and month <b>{month}</b>; the closing balance is due by the last day of the following month.</p>\
         <p>Số tiền tính bằng đồng, từ các dòng đóng do kỳ tính tháng ghi nhận. Amounts in đồng, from the contribution lines written by the monthly run.</p></body></html>",
        code = escape(&n.employer_code),
        month = escape(&n.month),
        headcount = n.headcount,
        name = escape(&e.name),
        tax = escape(&e.tax_code),
        address = escape(&address),
        employee = vnd(employee),
        employer = vnd(employer),
    )
}

/// The Lao NSSF's monthly notice (ແຈ້ງການເງິນປະກອບສ່ວນ), Lao first with English: the Fund's
/// heading, the labour unit, the month's shares of employee and employer, adjustments, the
/// account, each member's line, amounts in kip grouped as Lao writes them (Law 54/NA Art. 56:
/// the unit withholds the employee's share and pays both).
fn to_html_lao(
    n: &Notice,
    e: &Employer,
    workers: &[NoticeWorker],
    collection_account: Option<&str>,
) -> String {
    let kip = |amount: i64| crate::i18n::Lang::Lo.grouped(amount);
    let address = [e.address.trim(), e.province.trim()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let pay_to = match collection_account {
        Some(account) if !account.trim().is_empty() => format!(
            "<p id=\"pay-to\"><b>ຈ່າຍເຂົ້າບັນຊີ / Pay to:</b> {}</p>",
            escape(account.trim())
        ),
        _ => String::new(),
    };
    let mut body = String::new();
    for (item, amount) in rows(n, Issuer::Laos) {
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"n\">{} ກີບ</td></tr>",
            escape(&item),
            kip(amount)
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
            kip(w.salary),
            kip(w.base_social),
            kip(w.employee_total),
            kip(w.employer_total)
        );
    }
    let employee: i64 = workers.iter().map(|w| w.employee_total).sum();
    let employer: i64 = workers.iter().map(|w| w.employer_total).sum();
    format!(
        "<!doctype html><html lang=\"lo\"><head><meta charset=\"utf-8\"><title>NSSF {code} {month}</title>\
         <style>body{{font-family:'Noto Sans Lao','Noto Sans',sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}}table{{border-collapse:collapse;width:100%;margin:.5rem 0 1.2rem}}\
         td,th{{border-bottom:1px solid #ccc;padding:.3rem;text-align:left}}.n{{text-align:right;font-variant-numeric:tabular-nums}}\
         header{{display:flex;justify-content:space-between;gap:1rem}}header p{{margin:.1rem 0}}h1{{text-align:center;font-size:1.3rem}}\
         .who dt{{float:left;clear:left;width:12rem;color:#555}}.who dd{{margin:0 0 .2rem 12rem}}\
         @media print{{body{{margin:0;max-width:none;font-size:10.5pt}}@page{{size:A4;margin:15mm}}tr{{break-inside:avoid}}}}</style></head>\
         <body><header><div><p><b>ກອງທຶນປະກັນສັງຄົມແຫ່ງຊາດ</b></p><p>National Social Security Fund</p></div>\
         <div><p><b>ສາທາລະນະລັດ ປະຊາທິປະໄຕ ປະຊາຊົນລາວ</b></p><p>ສັນຕິພາບ ເອກະລາດ ປະຊາທິປະໄຕ ເອກະພາບ ວັດທະນະຖາວອນ</p></div></header>\
         <h1>ແຈ້ງການເງິນປະກອບສ່ວນປະກັນສັງຄົມ<br><small>Monthly social security contribution notice — ເດືອນ / month {month}</small></h1>\
         <dl class=\"who\"><dt>ຫົວໜ່ວຍແຮງງານ / Labour unit</dt><dd><b>{name}</b></dd><dt>ລະຫັດ / Unit code</dt><dd>{code}</dd>\
         <dt>ເລກປະຈຳຕົວຜູ້ເສຍອາກອນ / Tax number</dt><dd>{tax}</dd><dt>ທີ່ຢູ່ / Address</dt><dd>{address}</dd>\
         <dt>ຈຳນວນລູກຈ້າງ / Headcount</dt><dd>{headcount}</dd></dl>\
         <h2>ບັນຊີ / Account</h2><table>{body}</table>\
         <h2>ລາຍລະອຽດສະມາຊິກ / Per member</h2><table><thead><tr><th class=\"n\">ລ/ດ</th><th>ຊື່ ແລະ ນາມສະກຸນ / Name</th><th>ເລກປະກັນສັງຄົມ / Member number</th>\
         <th class=\"n\">ເງິນເດືອນ / Salary</th><th class=\"n\">ລາຍຮັບທີ່ຕ້ອງປະກອບສ່ວນ / Insurable earnings</th><th class=\"n\">ລູກຈ້າງ / Employee</th><th class=\"n\">ຫົວໜ່ວຍແຮງງານ / Employer</th></tr></thead>\
         <tbody>{people}</tbody><tfoot><tr><th colspan=\"5\">ລວມ / Total</th><th class=\"n\">{employee}</th><th class=\"n\">{employer}</th></tr></tfoot></table>{pay_to}\
         <p>ຫົວໜ່ວຍແຮງງານຫັກເງິນປະກອບສ່ວນຂອງລູກຈ້າງ ແລະ ຈ່າຍພ້ອມກັບສ່ວນຂອງຕົນ, ລະບຸລະຫັດ <b>{code}</b> ແລະ ເດືອນ <b>{month}</b>. \
         The labour unit withholds the employee's share and pays it with its own (Law 54/NA), quoting unit code <b>{code}</b> and month <b>{month}</b>; \
         the deadline of the end of the following month is a parameter not yet confirmed.</p>\
         <p>ຈຳນວນເງິນເປັນກີບ, ຈາກລາຍການທີ່ການຄິດໄລ່ປະຈຳເດືອນບັນທຶກ. Amounts in kip, from the contribution lines written by the monthly run.</p></body></html>",
        code = escape(&n.employer_code),
        month = escape(&n.month),
        headcount = n.headcount,
        name = escape(&e.name),
        tax = escape(&e.tax_code),
        address = escape(&address),
        employee = kip(employee),
        employer = kip(employer),
    )
}
