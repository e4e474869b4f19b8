#!/usr/bin/env python3
"""Write vectors/stats.json: reference values for the t distribution, seed summaries and Welch.

Independent of the TypeScript code, which uses the incomplete beta continued fraction: here the
t tail is integrated directly with tanh-sinh quadrature after substituting x = sqrt(df) tan(theta),
    P(|T| >= t) = 2 c sqrt(df) * integral_{atan(t / sqrt(df))}^{pi/2} cos(theta)^(df - 1) dtheta,
    c sqrt(df) = Gamma((df + 1) / 2) / (sqrt(pi) Gamma(df / 2)),
and quantiles come from bisection on that tail. Means and variances are exact (fractions).
Standard library only.

    python3 packages/metrics/scripts/make_stats_vectors.py && npx prettier --write \\
        packages/metrics/vectors/stats.json
"""

import json
import math
from fractions import Fraction
from pathlib import Path


def tanh_sinh(f, a, b):
    """Integral of f over [a, b]; refines the step until two levels agree to 1e-17 relative."""
    half = (b - a) / 2

    def level(h):
        terms = []
        k = 0
        while True:
            t = k * h
            u = math.pi / 2 * math.sinh(t)
            if u > 350:
                break
            weight = math.pi / 2 * math.cosh(t) / math.cosh(u) ** 2
            distance = 2 / (math.exp(2 * u) + 1)  # 1 - tanh(u), without cancellation
            if weight * half < 1e-300:
                break
            terms.append(weight * f(b - half * distance))
            if k > 0:
                terms.append(weight * f(a + half * distance))
            k += 1
        return half * h * math.fsum(terms)

    h = 0.5
    previous = level(h)
    for _ in range(8):
        h /= 2
        current = level(h)
        if abs(current - previous) <= 1e-17 * abs(current) + 1e-300:
            return current
        previous = current
    return current


def two_sided_p(t, df):
    constant = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(math.pi)
    start = math.atan(abs(t) / math.sqrt(df))
    if start >= math.pi / 2:
        return 0.0
    integrand = lambda theta: math.cos(theta) ** (df - 1)  # noqa: E731
    return 2 * constant * tanh_sinh(integrand, start, math.pi / 2)


def cdf(t, df):
    tail = two_sided_p(t, df) / 2
    return tail if t < 0 else 1 - tail


def quantile(p, df):
    upper_tail = 1 - p if p > 0.5 else p
    low, high = 0.0, 1.0
    while two_sided_p(high, df) / 2 > upper_tail:
        low, high = high, high * 2
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if two_sided_p(middle, df) / 2 > upper_tail:
            low = middle
        else:
            high = middle
    t = (low + high) / 2
    return t if p > 0.5 else -t


def exact_mean_variance(values):
    exact = [Fraction(v) for v in values]
    mean = sum(exact) / len(exact)
    variance = sum((v - mean) ** 2 for v in exact) / (len(exact) - 1)
    return mean, variance


def summary(values, level=0.95):
    mean, variance = exact_mean_variance(values)
    n = len(values)
    std = math.sqrt(variance)
    half_width = quantile((1 + level) / 2, n - 1) * math.sqrt(variance / n)
    return {
        'values': values,
        'level': level,
        'mean': float(mean),
        'std': std,
        'variance': float(variance),
        'ciLower': float(mean) - half_width,
        'ciUpper': float(mean) + half_width,
    }


def welch(a, b, level=0.95):
    mean_a, var_a = exact_mean_variance(a)
    mean_b, var_b = exact_mean_variance(b)
    share_a, share_b = var_a / len(a), var_b / len(b)
    df = (share_a + share_b) ** 2 / (share_a**2 / (len(a) - 1) + share_b**2 / (len(b) - 1))
    standard_error = math.sqrt(share_a + share_b)
    difference = float(mean_a - mean_b)
    t = difference / standard_error
    half_width = quantile((1 + level) / 2, float(df)) * standard_error
    return {
        'a': a,
        'b': b,
        'level': level,
        'difference': difference,
        'standardError': standard_error,
        't': t,
        'df': float(df),
        'pValue': two_sided_p(t, float(df)),
        'ciLower': difference - half_width,
        'ciUpper': difference + half_width,
    }


# Five-seed scores shaped like the paper's cells (Micro/Macro-F1 in [0, 1]).
SEED_SCORES = {
    'cti-bert P micro': [0.6911, 0.6806, 0.7016, 0.6858, 0.6963],
    'cti-bert P+Asim>P micro': [0.7120, 0.7225, 0.7068, 0.7173, 0.7094],
    'bert P macro': [0.3712, 0.3905, 0.3641, 0.3988, 0.3754],
    'bert P+A>P macro, 4 seeds': [0.4502, 0.4371, 0.4613, 0.4488],
    'two runs': [0.52, 0.55],
}

WELCH_PAIRS = [
    ('similar spreads', SEED_SCORES['cti-bert P+Asim>P micro'], SEED_SCORES['cti-bert P micro']),
    ('unequal n', SEED_SCORES['bert P+A>P macro, 4 seeds'], SEED_SCORES['bert P macro']),
    ('unequal variances', [0.61, 0.612, 0.611, 0.609, 0.613], [0.58, 0.64, 0.55, 0.66, 0.6]),
    ('tiny p', [0.80, 0.801, 0.799, 0.8005, 0.7995], [0.60, 0.601, 0.599, 0.6005, 0.5995]),
    # R's `t.test(extra ~ group, data = sleep)`: t = -1.8608, df = 17.776, p-value = 0.07939.
    ('R sleep', [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
     [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]),
]

QUANTILE_POINTS = [(0.975, 1), (0.975, 2), (0.975, 4), (0.975, 9), (0.95, 4), (0.995, 30),
                   (0.9, 3.5), (0.025, 7.25), (0.975, 17.776), (0.999, 120), (0.75, 6)]

CDF_POINTS = [(0.5, 3), (-1.2, 4), (2.0, 9), (3.3, 7.25), (12.0, 5), (-0.01, 2.5), (6.0, 60),
              (40.0, 4), (1.0, 1)]


def main():
    payload = {
        'description': 'Reference statistics from scripts/make_stats_vectors.py (tanh-sinh '
                       'integration of the t density; exact fractions for means and variances).',
        'quantiles': [{'p': p, 'df': df, 't': quantile(p, df)} for p, df in QUANTILE_POINTS],
        'cdf': [{'t': t, 'df': df, 'cdf': cdf(t, df), 'twoSidedP': two_sided_p(t, df)}
                for t, df in CDF_POINTS],
        'summaries': [{'name': name, **summary(values)} for name, values in SEED_SCORES.items()],
        'welch': [{'name': name, **welch(a, b)} for name, a, b in WELCH_PAIRS],
    }
    out = Path(__file__).resolve().parent.parent / 'vectors' / 'stats.json'
    out.write_text(json.dumps(payload, indent=2) + '\n')


if __name__ == '__main__':
    main()
