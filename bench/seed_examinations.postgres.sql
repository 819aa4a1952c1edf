-- Benchmark only: eight years of examinations (120,000 closed cases, as many as the agency ran in
-- 2016-2023) over the employers of a generated registry, each with 4 findings and 2 payments, so
-- that `ansinh compliance stats` reads tables of the size a national deployment holds. Rows are
-- written directly (not through the store's workflow); amounts are synthetic.
-- Usage: psql -h 127.0.0.1 -U postgres DB -f bench/seed_examinations.postgres.sql
BEGIN;
INSERT INTO compliance_cases
SELECT 'KT-B-' || lpad(n::text, 7, '0'), unit_code, province, 'examination', 'provincial', 0, 'closed',
       2018 + (n % 9), 'risk', 40, 'bench', 'B/' || n,
       to_char(DATE '2018-01-01' + (n % 3280)::int, 'YYYY-MM-DD'), '2025-01', '2025-12', NULL, NULL,
       to_char(DATE '2018-01-01' + (n % 3280 + 30)::int, 'YYYY-MM-DD'), NULL, NULL, NULL,
       1000000 * (1 + n % 50), 20000 * (1 + n % 50), CASE WHEN n % 10 = 0 THEN 500000 ELSE 0 END,
       4, 0, '2026-12-07T00:00:00Z', '2026-12-07T00:00:00Z'
FROM (SELECT unit_code, province, row_number() OVER (ORDER BY unit_code) AS n FROM employers) AS e
WHERE n <= 120000;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 4)
INSERT INTO compliance_findings
SELECT case_id, i, 'under_declared', lpad((substr(case_id, 6)::bigint * 4 + i)::text, 10, '0'),
       '2025-01', '2025-12', 5000000, 9000000, 0, '', '2026-12-07T00:00:00Z'
FROM compliance_cases, k WHERE case_id LIKE 'KT-B-%';
INSERT INTO compliance_payments
SELECT case_id, 'P1', 'back_collection', concluded_on, back_collection / 2, '2026-12-07T00:00:00Z'
FROM compliance_cases WHERE case_id LIKE 'KT-B-%';
INSERT INTO compliance_payments
SELECT case_id, 'P2', 'back_collection', concluded_on, back_collection - back_collection / 2 + interest, '2026-12-07T00:00:00Z'
FROM compliance_cases WHERE case_id LIKE 'KT-B-%';
COMMIT;
