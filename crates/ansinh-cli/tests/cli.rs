//! The `ansinh` binary end to end: stdin/--file, exit codes, JSON errors, --explain,
//! --params-override and --rules.

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn ansinh(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the ansinh binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ansinh-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const TC2: &str = r#"{"kind":"contribution","jurisdiction":"VN","month":"2026-03","participant":"employee","salary":60000000,"region":1}"#;

#[test]
fn calc_answers_from_stdin_and_from_a_file() {
    let out = ansinh(&["calc"], TC2);
    assert!(out.status.success());
    let body = json(&out);
    assert_eq!(body["employee"]["total"], 5_046_000);
    assert_eq!(body["employer"]["total"], 10_194_000);
    assert!(body["explanation"].as_array().is_some_and(|l| l.len() > 5));
    let file = temp_file("tc2.json", TC2);
    let out = ansinh(&["calc", "--file", file.to_str().unwrap()], "");
    assert_eq!(json(&out)["employee"]["total"], 5_046_000);
}

#[test]
fn bad_input_exits_2_with_a_json_error_naming_the_field() {
    for (request, field) in [
        (TC2.replace("\"region\":1", "\"region\":5"), "region"),
        (TC2.replace("2026-03", "2020-03"), "month"),
        (TC2.replace("\"salary\":60000000,", ""), "salary"),
        (TC2.replace("60000000", "\"lots\""), "salary"),
        (TC2.replace("\"VN\"", "\"XX\""), "jurisdiction"),
        // A Vietnamese field in a Lao request is refused naming it (issue 17).
        (TC2.replace("\"VN\"", "\"LA\""), "region"),
        ("{not json".to_string(), ""),
        ("[]".to_string(), ""),
        (r#"{"kind":"pension","jurisdiction":"VN","sex":"male","birth_date":"1964-13-01","years":30,"average_salary":1}"#.to_string(), "birth_date"),
    ] {
        let out = ansinh(&["calc"], &request);
        assert_eq!(out.status.code(), Some(2), "{request}");
        let body = json(&out);
        assert_eq!(body["error"]["field"], field, "{request}: {body}");
        assert!(body["error"]["reason"].as_str().is_some_and(|r| !r.is_empty()));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}

#[test]
fn a_lao_request_is_answered_in_kip_and_an_unknown_jurisdiction_names_the_installed() {
    let out = ansinh(
        &["calc"],
        r#"{"kind":"contribution","jurisdiction":"LA","month":"2026-03","participant":"employee","salary":3000000}"#,
    );
    assert_eq!(out.status.code(), Some(0));
    let body = json(&out);
    assert_eq!(body["currency"], "LAK");
    assert_eq!(
        (
            body["employee"]["total"].as_i64(),
            body["employer"]["total"].as_i64(),
            body["total"].as_i64()
        ),
        (Some(165_000), Some(180_000), Some(345_000))
    );
    let out = ansinh(&["calc"], &TC2.replace("\"VN\"", "\"XX\""));
    let reason = json(&out)["error"]["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("\"VN\" (Vietnam)") && reason.contains("\"LA\" (Lao PDR)"),
        "{reason}"
    );
    let out = ansinh(
        &["calc", "--explain"],
        r#"{"kind":"contribution","jurisdiction":"LA","month":"2026-03","participant":"employee","salary":3000000}"#,
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("ສ່ວນຂອງລູກຈ້າງ") && table.contains("165,000"),
        "{table}"
    );
}

#[test]
fn explain_prints_a_table_with_citations() {
    let out = ansinh(&["calc", "--explain"], TC2);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("employee.pension_survivor"));
    assert!(text.contains("3,744,000"));
    assert!(text.contains("31.1.đ"));
    assert!(text.contains("Quỹ hưu trí – tử tuất"));
}

#[test]
fn params_override_changes_the_cap_from_its_date() {
    let over = temp_file(
        "cap30.toml",
        "[[si_cap.values]]\nfrom = 2026-01-01\nmultiple = 30\nsource = \"reform scenario: cap 30 × reference level\"\n",
    );
    let out = ansinh(&["calc", "--params-override", over.to_str().unwrap()], TC2);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let body = json(&out);
    assert_eq!(body["base"]["social"], 60_000_000);
    assert_eq!(body["employee"]["pension_survivor"], 4_800_000);
    let bad = temp_file(
        "bad.toml",
        "[[si_cap.values]]\nfrom = 2026-01-01\nmultiplier = 30\nsource = \"x\"\n",
    );
    let out = ansinh(&["calc", "--params-override", bad.to_str().unwrap()], TC2);
    assert_eq!(out.status.code(), Some(2));
    let body = json(&out);
    assert_eq!(body["error"]["line"], 3);
    assert_eq!(body["error"]["key"], "multiplier");
}

#[test]
fn rules_directory_is_validated_at_start() {
    let dir = std::env::temp_dir().join(format!("ansinh-rules-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rules/vn");
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let ok = ansinh(&["params", "--rules", dir.to_str().unwrap()], "");
    assert!(ok.status.success());
    let rates = std::fs::read_to_string(dir.join("si_cap.toml")).unwrap();
    std::fs::write(
        dir.join("si_cap.toml"),
        rates.replace("to = 2025-06-30", "to = 2025-07-31"),
    )
    .unwrap();
    let out = ansinh(&["calc", "--rules", dir.to_str().unwrap()], TC2);
    assert_eq!(out.status.code(), Some(2));
    let body = json(&out);
    assert_eq!(body["error"]["file"], "si_cap.toml");
    assert_eq!(body["error"]["key"], "from");
    assert!(
        body["error"]["reason"]
            .as_str()
            .unwrap()
            .contains("overlaps")
    );
}

fn temp_db(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("ansinh-cli-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    format!("sqlite:{}", path.display())
}

#[test]
fn generate_then_import_declarations_applies_once() {
    let db = temp_db("import.db");
    let out = ansinh(
        &[
            "generate",
            "--database-url",
            &db,
            "--employers",
            "3",
            "--persons",
            "50",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("50 persons"));
    let csv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/declarations.csv");
    let args = [
        "import",
        "declarations",
        csv.to_str().unwrap(),
        "--employer",
        "DV42000001",
        "--database-url",
        &db,
    ];
    let first = ansinh(&args, "");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    let report = json(&first);
    assert_eq!(
        (report["status"].as_str(), report["replayed"].as_bool()),
        (Some("applied"), Some(false))
    );
    let again = json(&ansinh(&args, ""));
    assert_eq!(
        (again["replayed"].as_bool(), &again["batch_id"]),
        (Some(true), &report["batch_id"])
    );
    let bad = temp_file(
        "bad.csv",
        "action,personal_id,date,salary\nsalary,079180000123,2026-11,100\n",
    );
    let out = ansinh(
        &[
            "import",
            "declarations",
            bad.to_str().unwrap(),
            "--employer",
            "DV42000001",
            "--database-url",
            &db,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["status"], "rejected");

    let run = ansinh(&["assess", "--month", "2026-10", "--database-url", &db], "");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(json(&run)["new_lines"].as_i64().is_some_and(|n| n > 0));
    let pays = temp_file(
        "pays.csv",
        "employer_code,reference,paid_on,amount\nDV42000001,VCB-9,2026-11-20,1000000\n",
    );
    let out = ansinh(
        &[
            "import",
            "payments",
            pays.to_str().unwrap(),
            "--database-url",
            &db,
        ],
        "",
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 payments recorded"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ansinh(
        &[
            "notice",
            "--employer",
            "DV42000001",
            "--month",
            "2026-10",
            "--format",
            "csv",
            "--database-url",
            &db,
        ],
        "",
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Total due"));
}

#[test]
fn demo_creates_a_database_and_serves_it() {
    use std::io::{BufRead, BufReader, Read as _};
    let file = std::env::temp_dir().join(format!("ansinh-demo-test-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .args([
            "demo",
            "--file",
            file.to_str().unwrap(),
            "--persons",
            "200",
            "--addr",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // One demo user per role, with its password, printed before the server starts.
    let mut users = Vec::new();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            if let Some(rest) = l.strip_prefix("  demo-") {
                let mut words = rest.split_whitespace();
                users.push((
                    format!("demo-{}", words.next().unwrap()),
                    words.next().unwrap().to_string(),
                ));
            }
            l.strip_prefix("Ansinh is serving on http://")
                .map(str::to_string)
        })
        .expect("demo prints its URL");
    // Eight roles: the seven staff and bound roles and the trade union (issue 20).
    assert_eq!(users.len(), 8, "{users:?}");
    assert!(users.iter().any(|(n, _)| n == "demo-trade-union"));
    let (name, password) = users
        .iter()
        .find(|(n, _)| n == "demo-collection-officer")
        .unwrap();
    let body = format!("username={name}&password={password}");
    let mut stream = std::net::TcpStream::connect(&url).unwrap();
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut signed_in = String::new();
    stream.read_to_string(&mut signed_in).unwrap();
    assert!(signed_in.starts_with("HTTP/1.1 303"), "{signed_in}");
    assert!(signed_in.contains("ansinh_session="));
    let mut stream = std::net::TcpStream::connect(&url).unwrap();
    stream
        .write_all(b"GET /api/v1/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"ready\""));
    assert!(file.exists());
}

/// Issue 17: `ansinh demo --jurisdiction LA` generates a Lao population and serves pages in
/// Lao by default (`lang="lo"`), the registry's names in Lao script.
#[test]
fn the_lao_demo_serves_lao_pages() {
    use std::io::{BufRead, BufReader, Read as _};
    let file = std::env::temp_dir().join(format!("ansinh-demo-la-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh"))
        .args([
            "demo",
            "--jurisdiction",
            "LA",
            "--file",
            file.to_str().unwrap(),
            "--persons",
            "150",
            "--addr",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The reader is kept while the server runs: a closed pipe would stop it at its next line.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("Ansinh is serving on http://")
                .map(str::to_string)
        })
        .expect("demo prints its URL");
    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(&url).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    let login = get("/login");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(login.contains("<html lang=\"lo\">"), "{login}");
    // The database is Lao: opened as Vietnam's, it is refused.
    let out = ansinh(
        &[
            "migrate",
            "--database-url",
            &format!("sqlite:{}", file.display()),
            "--jurisdiction",
            "VN",
        ],
        "",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("belongs to LA"));
    let _ = std::fs::remove_file(&file);
}

#[test]
fn an_assessment_killed_at_any_point_completes_with_the_same_totals() {
    let clean = temp_db("assess-clean.db");
    let killed = temp_db("assess-killed.db");
    for db in [&clean, &killed] {
        let out = ansinh(
            &[
                "generate",
                "--database-url",
                db,
                "--employers",
                "600",
                "--persons",
                "6000",
                "--seed",
                "9",
            ],
            "",
        );
        assert!(out.status.success());
    }
    let run = |db: &str| {
        json(&ansinh(
            &["assess", "--month", "2026-10", "--database-url", db],
            "",
        ))
    };
    let reference = run(&clean);
    assert!(reference["month_total"].as_i64().is_some_and(|t| t > 0));
    for delay_ms in [
        fastrand::u64(20..150),
        fastrand::u64(150..400),
        fastrand::u64(400..900),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh"))
            .args(["assess", "--month", "2026-10", "--database-url", &killed])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL: no chance to clean up
        let _ = child.wait();
        let resumed = run(&killed);
        assert_eq!(
            resumed["month_total"], reference["month_total"],
            "killed after {delay_ms} ms"
        );
        let again = run(&killed);
        assert_eq!(
            (again["written_total"].as_i64(), again["new_lines"].as_i64()),
            (Some(0), Some(0))
        );
        assert_eq!(again["unchanged"], reference["new_lines"]);
    }
}

#[test]
fn a_payroll_killed_at_any_point_pays_each_recipient_once() {
    let clean = temp_db("payroll-clean.db");
    let killed = temp_db("payroll-killed.db");
    for db in [&clean, &killed] {
        let out = ansinh(
            &[
                "generate",
                "--database-url",
                db,
                "--employers",
                "5",
                "--persons",
                "50",
                "--pensioners",
                "60000",
                "--until",
                "2026-10",
                "--seed",
                "5",
            ],
            "",
        );
        assert!(out.status.success(), "{out:?}");
    }
    let run = |db: &str| {
        json(&ansinh(
            &[
                "benefits",
                "payroll",
                "--month",
                "2026-11",
                "--json",
                "--database-url",
                db,
            ],
            "",
        ))
    };
    let reference = run(&clean);
    assert_eq!(reference["recipients"], 60_000);
    assert_eq!(reference["written"], 60_000);
    let funds: i64 = reference["funds"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_i64)
        .sum();
    assert_eq!(Some(funds), reference["total"].as_i64());
    for delay_ms in [fastrand::u64(50..300), fastrand::u64(300..1200)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ansinh"))
            .args([
                "benefits",
                "payroll",
                "--month",
                "2026-11",
                "--database-url",
                &killed,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL: no chance to clean up
        let _ = child.wait();
        let resumed = run(&killed);
        assert_eq!(
            (&resumed["recipients"], &resumed["total"]),
            (&reference["recipients"], &reference["total"]),
            "killed after {delay_ms} ms"
        );
        let again = run(&killed);
        assert_eq!(again["written"], 0);
        assert_eq!(again["total"], reference["total"]);
    }
    // A bad month is refused naming the field, exit 2.
    let out = ansinh(
        &[
            "benefits",
            "payroll",
            "--month",
            "11-2026",
            "--database-url",
            &killed,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["field"], "month");
}

#[test]
fn claims_assess_prints_one_result_per_visit_without_a_database() {
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/claims/two-visits.xml"
    );
    let out = ansinh(&["claims", "assess", example], "");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("79001.250310.000123          Accepted"),
        "{text}"
    );
    assert!(text.contains("R01.VALIDITY"), "{text}");
    let out = ansinh(&["claims", "assess", example, "--json"], "");
    let doc = json(&out);
    assert_eq!(doc[0]["decision"], "accepted");
    assert_eq!(doc[0]["assessed"]["insurer"], "293680.00");
    assert_eq!(doc[1]["decision"], "rejected");
    assert_eq!(doc[1]["findings"][0]["rule"], "R01");
    // With the sample reference data, prices and the covered list are checked too.
    let reference = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/claims/reference"
    );
    let out = ansinh(
        &[
            "claims",
            "assess",
            example,
            "--json",
            "--reference",
            reference,
        ],
        "",
    );
    assert_eq!(json(&out)[0]["decision"], "accepted");
    // A file that is not a claims envelope: exit 2 and a JSON error naming the file.
    let bad = temp_file("not-claims.xml", "<TONG_HOP/>");
    let out = ansinh(&["claims", "assess", bad.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["error"]["field"], "file");
    // An empty file (the file is mapped, not read: nothing to map is still an answer).
    let empty = temp_file("empty-claims.xml", "");
    let out = ansinh(&["claims", "assess", empty.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        json(&out)["error"]["reason"],
        "the file has no root element"
    );
}

/// Runs `ansinh` with extra environment variables.
fn ansinh_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ansinh"));
    cmd.args(args).stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn users_cards_and_claims_from_the_command_line() {
    let db = temp_db("users.db");
    // The password comes from the environment (or stdin), never from the arguments.
    let out = ansinh_with(
        &[
            "user",
            "add",
            "--username",
            "thu.admin",
            "--role",
            "administrator",
            "--database-url",
            &db,
        ],
        &[("ANSINH_PASSWORD", "một mật khẩu đủ dài")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let user = json(&out);
    assert_eq!(user["role"], "administrator");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("một mật khẩu"));
    let out = ansinh(
        &[
            "user",
            "add",
            "--username",
            "x.short",
            "--role",
            "inspector",
            "--database-url",
            &db,
        ],
        "short\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    let out = ansinh(
        &[
            "user",
            "add",
            "--username",
            "x.role",
            "--role",
            "root",
            "--database-url",
            &db,
        ],
        "long enough password\n",
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--role"));
    let out = ansinh(
        &[
            "user",
            "token",
            "--username",
            "thu.admin",
            "--label",
            "payroll",
            "--database-url",
            &db,
        ],
        "",
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim().len(), 43);
    let out = ansinh(&["user", "list", "--database-url", &db], "");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("thu.admin\tadministrator"));

    // Cards: issued, renewed, listed (unlinked: no such person in this registry).
    let out = ansinh(
        &[
            "card",
            "issue",
            "--code",
            "HT3790000000009",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--facility",
            "79001",
            "--database-url",
            &db,
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["benefit_digit"], 3);
    let out = ansinh(
        &[
            "card",
            "renew",
            "--code",
            "HT3790000000009",
            "--to",
            "2027-12-31",
            "--database-url",
            &db,
        ],
        "",
    );
    assert_eq!(json(&out)["valid_from"], "2027-01-01");
    let out = ansinh(
        &[
            "card",
            "issue",
            "--code",
            "XX",
            "--from",
            "2026-01-01",
            "--facility",
            "79001",
            "--database-url",
            &db,
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("card_code"));

    // The card register for the claims assessment: both issues, with their dates.
    let out = ansinh(&["card", "export", "--database-url", &db], "");
    let csv = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        csv.starts_with("code,name,birth,sex,registered_at,from,to,source\n"),
        "{csv}"
    );
    assert!(csv.contains("HT3790000000009,,,,79001,2026-01-01,2026-12-31,Ansinh card register"));
    assert!(csv.contains("HT3790000000009,,,,79001,2027-01-01,2027-12-31,"));
    // Read as a reference list: a claim's card the register does not hold goes to a human.
    let samples = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/claims/reference"
    );
    let folder = std::env::temp_dir().join(format!("ansinh-cli-register-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("cards.csv"), &csv).unwrap();
    for f in ["prices.csv", "covered.csv"] {
        std::fs::copy(format!("{samples}/{f}"), folder.join(f)).unwrap();
    }
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/claims/two-visits.xml"
    );
    let out = ansinh(
        &[
            "claims",
            "assess",
            example,
            "--json",
            "--reference",
            folder.to_str().unwrap(),
        ],
        "",
    );
    let doc = json(&out);
    assert_eq!(doc[0]["decision"], "needs_review", "{doc}");
    assert!(doc[0]["findings"].to_string().contains("R01.REGISTER"));

    // Claims: imported once, the same file again changes nothing.
    let file = format!(
        "{}/../../examples/claims/overlap/stay.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let first = json(&ansinh(
        &["claims", "import", &file, "--database-url", &db],
        "",
    ));
    assert_eq!(first["replayed"], false);
    assert_eq!(first["visits"][0]["status"], "new");
    let again = json(&ansinh(
        &["claims", "import", &file, "--database-url", &db],
        "",
    ));
    assert_eq!(again["replayed"], true);
    assert_eq!(again["visits"][0]["status"], "unchanged");
}

/// Issue 17: a database belongs to the jurisdiction it was created for.
#[test]
fn a_database_is_created_for_one_jurisdiction_and_refuses_another() {
    let db = temp_db("lao.db");
    let out = ansinh(
        &["migrate", "--database-url", &db, "--jurisdiction", "LA"],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("jurisdiction LA"));
    // Opened again without saying: still Lao.
    let out = ansinh(&["migrate", "--database-url", &db], "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("jurisdiction LA"));
    // Asked for as Vietnam's: refused, naming both.
    let out = ansinh(
        &["migrate", "--database-url", &db, "--jurisdiction", "VN"],
        "",
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("belongs to LA") && err.contains("VN"), "{err}");
    // A Lao population and its monthly run, under the Lao law: every line at most 11.5 % of
    // the LAK 4,500,000 ceiling (517,500 kip), none refused.
    let out = ansinh(
        &[
            "generate",
            "--database-url",
            &db,
            "--employers",
            "2",
            "--persons",
            "40",
            "--until",
            "2026-03",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ansinh(&["assess", "--database-url", &db, "--month", "2026-03"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = json(&out);
    let lines = summary["new_lines"].as_i64().unwrap();
    assert!(lines > 0, "{summary}");
    assert_eq!(summary["refused"], 0, "{summary}");
    let total = summary["month_total"].as_i64().unwrap();
    assert!(total > 0 && total <= lines * 517_500, "{summary}");
    // A jurisdiction that is not installed is named with the ones that are.
    let out = ansinh(
        &[
            "migrate",
            "--database-url",
            &temp_db("xx.db"),
            "--jurisdiction",
            "TH",
        ],
        "",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("VN, LA"), "{err}");
    // A database made without saying is Vietnam's.
    let vn = temp_db("vn.db");
    let out = ansinh(&["migrate", "--database-url", &vn], "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("jurisdiction VN"));
    let out = ansinh(
        &["migrate", "--database-url", &vn, "--jurisdiction", "LA"],
        "",
    );
    assert!(!out.status.success());
}

#[test]
fn the_korea_agreement_from_the_command_line() {
    let db = temp_db("agreement.db");
    let out = ansinh(&["migrate", "--database-url", &db], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A certificate for nobody registered is refused naming the field; nothing is stored.
    let out = ansinh(
        &[
            "agreement",
            "certify",
            "--person",
            "0123456789",
            "--number",
            "NPS-1",
            "--direction",
            "inbound",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--sending-employer",
            "Hanjin Co.",
            "--database-url",
            &db,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("person_sin"));
    let out = ansinh(
        &["agreement", "certificates", "--csv", "--database-url", &db],
        "",
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "certificate_no,direction,issuer,country,kind,person_sin,valid_from,valid_to,sending_employer,host_employer,issued_on"
    );
    let out = ansinh(
        &[
            "agreement",
            "certificates",
            "--direction",
            "up",
            "--database-url",
            &db,
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--direction"));
    // The liaison body's file: a row for nobody registered rejects the file.
    let file = std::env::temp_dir().join(format!("ansinh-periods-{}.csv", std::process::id()));
    std::fs::write(
        &file,
        "person_sin,country,period_from,period_to,months,source\n0123456789,KR,2015-01-01,2019-12-31,60,NPS 2026-05\n",
    )
    .unwrap();
    let out = ansinh(
        &[
            "agreement",
            "import-periods",
            "--file",
            file.to_str().unwrap(),
            "--database-url",
            &db,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("periods[0].person_sin"));
    // The armed forces' scheme: an empty month, and a refusal naming the field.
    let out = ansinh(
        &[
            "service",
            "assess",
            "--month",
            "2026-03",
            "--database-url",
            &db,
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["servicemen"], 0);
    let out = ansinh(
        &[
            "service",
            "enlist",
            "--person",
            "0123456789",
            "--participant",
            "conscript",
            "--unit",
            "E1",
            "--enlisted",
            "2025-09-01",
            "--database-url",
            &db,
        ],
        "",
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("person_sin"));
    let out = ansinh(&["agreement", "export-periods", "--database-url", &db], "");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("person_sin,personal_id,name"));
    let _ = std::fs::remove_file(file);
}

#[test]
fn simulate_a_population_under_the_law_and_a_reform() {
    let dir = std::env::temp_dir().join(format!("ansinh-simulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("persons.csv");
    let mut text = String::from("salary,region,foreign\n");
    for i in 0..50i64 {
        // From 6 M to 104 M: the top ones are above the cap of 20 × the reference level.
        text.push_str(&format!(
            "{},{},{}\n",
            6_000_000 + i * 2_000_000,
            1 + i % 4,
            i32::from(i % 7 == 0)
        ));
    }
    std::fs::write(&file, text).unwrap();
    let reform = format!(
        "{}/../../examples/reform-cap-30.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = ansinh(
        &[
            "simulate",
            "--population",
            file.to_str().unwrap(),
            "--month",
            "2027-03",
            "--params-override",
            &reform,
            "--json",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["persons"], 50);
    let law_total = doc["total"].as_i64().unwrap();
    assert_eq!(
        law_total,
        doc["employee_total"].as_i64().unwrap() + doc["employer_total"].as_i64().unwrap()
    );
    let reform_doc = &doc["reform"];
    // A higher cap charges more on salaries above 46.8 M and nothing more below it.
    assert!(reform_doc["total"].as_i64().unwrap() > law_total);
    assert_eq!(
        reform_doc["difference"]["total"].as_i64().unwrap(),
        reform_doc["total"].as_i64().unwrap() - law_total
    );
    let deciles = reform_doc["deciles"].as_array().unwrap();
    assert_eq!(deciles.len(), 10);
    assert_eq!(
        (deciles[0]["losers"].as_i64(), deciles[9]["losers"].as_i64()),
        (Some(0), Some(5))
    );
    // Each calculation agrees with `ansinh calc` on one person of the file.
    let one = ansinh(
        &["calc"],
        r#"{"kind":"contribution","jurisdiction":"VN","month":"2027-03","participant":"employee","salary":6000000,"region":1}"#,
    );
    assert_eq!(json(&one)["total"].as_i64().unwrap(), {
        let f = dir.join("one.csv");
        std::fs::write(&f, "salary,region\n6000000,1\n").unwrap();
        let out = ansinh(
            &[
                "simulate",
                "--population",
                f.to_str().unwrap(),
                "--month",
                "2027-03",
                "--json",
            ],
            "",
        );
        json(&out)["total"].as_i64().unwrap()
    });
    // A bad line is refused naming its number and column, in the fast layout too.
    std::fs::write(&file, "salary,region,foreign\n6000000,1,0\n6000000,9,0\n").unwrap();
    let out = ansinh(
        &[
            "simulate",
            "--population",
            file.to_str().unwrap(),
            "--month",
            "2026-03",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 3, column region"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ansinh(&["simulate", "--month", "2026-03"], "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--population"));

    // Over the registry: a generated population's employments in force in the month.
    let db = temp_db("simulate.db");
    let out = ansinh(
        &[
            "generate",
            "--database-url",
            &db,
            "--employers",
            "5",
            "--persons",
            "200",
            "--until",
            "2026-03",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ansinh(
        &[
            "simulate",
            "--from-registry",
            "--database-url",
            &db,
            "--month",
            "2026-03",
            "--json",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert!(doc["persons"].as_i64().unwrap() > 100, "{doc}");
    assert!(doc["total"].as_i64().unwrap() > 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn project_the_fund_from_a_file_of_assumptions() {
    let file = format!(
        "{}/../../examples/projection.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = ansinh(&["project", "--assumptions", &file, "--json"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 50);
    assert_eq!(rows[0]["year"], 2026);
    // The first year by hand from the example's cohorts: Σ contributors × salary × 12 × 22 %.
    let income: i64 = [
        (2_000_000i64, 8_000_000i64),
        (1_900_000, 7_500_000),
        (2_500_000, 11_000_000),
        (2_300_000, 10_000_000),
        (900_000, 12_000_000),
        (500_000, 10_500_000),
    ]
    .iter()
    .map(|(n, s)| n * s * 12 * 22 / 100)
    .sum();
    assert_eq!(rows[0]["income"].as_i64(), Some(income));
    // The same file gives the same table.
    let again = ansinh(&["project", "--assumptions", &file, "--json"], "");
    assert_eq!(out.stdout, again.stdout);
    let csv = ansinh(&["project", "--assumptions", &file, "--csv"], "");
    assert!(String::from_utf8_lossy(&csv.stdout).starts_with("year,contributors,pensioners"));
    let bad = std::env::temp_dir().join(format!("ansinh-projection-{}.toml", std::process::id()));
    std::fs::write(
        &bad,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("years = 50", "years = 500"),
    )
    .unwrap();
    let out = ansinh(&["project", "--assumptions", bad.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("years"));
    let _ = std::fs::remove_file(bad);
}

#[test]
fn compliance_select_open_move_and_stats_from_the_command_line() {
    let db = temp_db("compliance.db");
    let out = ansinh(
        &[
            "generate",
            "--database-url",
            &db,
            "--employers",
            "3",
            "--persons",
            "60",
            "--seed",
            "5",
            "--until",
            "2026-03",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ansinh(
        &[
            "compliance",
            "select",
            "--database-url",
            &db,
            "--as-of",
            "2026-06-30",
            "--limit",
            "2",
            "--json",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = json(&out);
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let code = list[0]["employer_code"].as_str().unwrap().to_string();
    let out = ansinh(
        &[
            "compliance",
            "open",
            "--database-url",
            &db,
            "--employer",
            &code,
            "--year",
            "2026",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let case = json(&out)["case_id"].as_str().unwrap().to_string();
    // The plan of 2026 holds the case; the plan of 2025 is empty.
    let plan = |year: &str| {
        let out = ansinh(
            &[
                "compliance",
                "plan",
                "--database-url",
                &db,
                "--year",
                year,
                "--json",
            ],
            "",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out)
    };
    let y2026 = plan("2026");
    assert_eq!(y2026.as_array().unwrap().len(), 1, "{y2026}");
    assert_eq!(y2026[0]["case_id"], case.as_str());
    assert_eq!(plan("2025").as_array().unwrap().len(), 0);
    // Out of order: refused with exit 1 and the allowed next states named.
    let out = ansinh(
        &[
            "compliance",
            "move",
            "--database-url",
            &db,
            "--case",
            &case,
            "--to",
            "concluded",
            "--on",
            "2026-04-01",
        ],
        "",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("decided"));
    let out = ansinh(
        &[
            "compliance",
            "move",
            "--database-url",
            &db,
            "--case",
            &case,
            "--to",
            "decided",
            "--on",
            "2026-04-01",
            "--decision-no",
            "9/QĐ-BHXH",
            "--period-from",
            "2026-01",
            "--period-to",
            "2026-03",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ansinh(
        &[
            "compliance",
            "stats",
            "--database-url",
            &db,
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--json",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stats = json(&out);
    assert_eq!(
        (stats["examinations"].as_i64(), stats["units"].as_i64()),
        (Some(1), Some(1)),
        "{stats}"
    );
    assert_eq!(stats["recommended"], 0);
}
