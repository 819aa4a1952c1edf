"""Exact integer recomputation of a month's contributions for a population CSV (salary,region,foreign),
as a third opinion beside Ansinh and OpenFisca: every fund, employee and employer, SI/HI cap 20 x reference
level, UI cap 20 x regional minimum, each amount rounded half up to the dong (Ansinh's rounding policy,
rules/vn/rounding.toml) -- or half to even with --half-even, as numpy's round does in the OpenFisca model.
Usage: python exact_contrib.py persons.csv 2026-03 [--half-even]   (values for Jan-Jun 2026 and Jul 2026 on)"""
import sys
import numpy as np

path, month = sys.argv[1], sys.argv[2]
half_even = "--half-even" in sys.argv
data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
salary, region, foreign = data[:, 0], data[:, 1], data[:, 2].astype(bool)
reference = 2_340_000 if month < "2026-07" else 2_530_000          # L41 Art. 141.13; Decree 161/2026
minimum = np.select([region == 1, region == 2, region == 3], [5_310_000, 4_730_000, 4_140_000], 3_700_000)  # D293/2025
si = np.minimum(salary, 20 * reference)
ui = np.where(foreign, 0, np.minimum(salary, 20 * minimum))

def part(base, per_10000):
    """base x rate, rounded to the dong; the rate in hundredths of a per cent (8 % = 800)."""
    num = base * per_10000
    q, r = num // 10_000, num % 10_000
    if half_even:
        return q + ((r > 5_000) | ((r == 5_000) & (q % 2 == 1)))
    return q + (r >= 5_000)

ee = part(si, 800) + part(si, 150) + part(ui, 100)
er = part(si, 300) + part(si, 1400) + part(si, 50) + part(si, 300) + part(ui, 100)
print(f"exact persons={len(data)} employee_sum={int(ee.sum())} employer_sum={int(er.sum())} "
      f"total={int(ee.sum() + er.sum())} rounding={'half-even' if half_even else 'half-up'}")
