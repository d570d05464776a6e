//! Choosing projects within a budget: maximise the sum over beneficiary
//! households of (severity − 2), projects of severity 5 first. An exact
//! 0-1 knapsack whenever its table fits in memory: over the budget in the
//! costs' common step (which the budget itself never changes: one more
//! yuan never gives a worse plan), else over the total benefit, else
//! greedy by benefit per yuan; the result says which was used.

use super::{Project, Rule};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Exact,
    Greedy,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// Funded projects, as indices into the ranked list, in rank order.
    pub funded: Vec<usize>,
    pub cost: f64,
    pub benefit: i64,
    pub remaining: f64,
    pub method: Method,
    /// Projects without a cost estimate, which cannot be chosen.
    pub uncosted: Vec<usize>,
}

/// The cells of the exact method's table (items × budget steps) above
/// which the greedy method is used: one byte a cell, 64 MB at most.
pub const EXACT_LIMIT: u64 = 64_000_000;

/// The budget steps of the exact method's best-value row above which the
/// greedy method is used (8 bytes a step, 64 MB at most).
pub const EXACT_STEPS: u64 = 8_000_000;

/// The benefit of a project: households affected × (severity − 2).
pub fn benefit(project: &Project, rules: &[Rule]) -> i64 {
    project.affected * (i64::from(rules[project.rule].severity) - 2)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Chooses projects from `projects` (ranked) within `budget` yuan.
pub fn choose(projects: &[Project], rules: &[Rule], budget: f64) -> Choice {
    choose_with(projects, rules, budget, EXACT_LIMIT)
}

/// [`choose`] with the size limit of the exact method given, so that both
/// methods can be compared on the same projects.
pub fn choose_with(projects: &[Project], rules: &[Rule], budget: f64, exact_limit: u64) -> Choice {
    let budget = budget.max(0.0);
    let mut left = budget;
    let mut funded = Vec::new();
    let mut uncosted = Vec::new();
    let mut rest = Vec::new();
    for (i, p) in projects.iter().enumerate() {
        let Some(cost) = p.cost else {
            uncosted.push(i);
            continue;
        };
        if benefit(p, rules) <= 0 {
            continue;
        }
        if rules[p.rule].severity >= 5 {
            // Danger to life comes first, in rank order, while money lasts.
            if cost <= left {
                left -= cost;
                funded.push(i);
            }
        } else {
            rest.push(i);
        }
    }
    // Whole yuan: costs rounded up, the budget down, so nothing chosen
    // can exceed the money.
    let weight = |i: usize| projects[i].cost.unwrap_or(0.0).ceil().max(0.0) as u64;
    let capacity = left.floor().max(0.0) as u64;
    // The costs' common step: every set of projects costs a multiple of
    // it, so the budget counts in whole steps, rounded down. The budget
    // is left out of the step: 10,000,001 yuan is the same table as
    // 10,000,000, never a bigger one.
    let step = rest.iter().fold(0, |g, &i| gcd(g, weight(i))).max(1);
    let n = rest.len() as u64;
    let by_cost = n.saturating_mul(capacity / step + 1);
    let total: u64 = rest
        .iter()
        .map(|&i| benefit(&projects[i], rules).max(0) as u64)
        .sum();
    let by_benefit = n.saturating_mul(total + 1);
    let (method, chosen) = if by_cost <= exact_limit && capacity / step <= EXACT_STEPS {
        let chosen = exact(&rest, projects, rules, capacity / step, |i| {
            weight(i) / step
        });
        (Method::Exact, chosen)
    } else if by_benefit <= exact_limit && total <= EXACT_STEPS {
        let chosen = exact_by_benefit(&rest, (projects, rules), capacity, weight);
        (Method::Exact, chosen)
    } else {
        (Method::Greedy, greedy(&rest, projects, rules, left))
    };
    funded.extend(chosen);
    funded.sort_unstable();
    // Folded from 0: an empty `sum` of floats is -0, shown as "-0 yuan".
    let cost: f64 = funded
        .iter()
        .filter_map(|&i| projects[i].cost)
        .fold(0.0, |total, c| total + c);
    Choice {
        benefit: funded.iter().map(|&i| benefit(&projects[i], rules)).sum(),
        remaining: budget - cost,
        cost,
        funded,
        method,
        uncosted,
    }
}

/// 0-1 knapsack by dynamic programming over the budget in steps.
fn exact(
    items: &[usize],
    projects: &[Project],
    rules: &[Rule],
    capacity: u64,
    weight: impl Fn(usize) -> u64,
) -> Vec<usize> {
    let cap = capacity as usize;
    let mut best = vec![0i64; cap + 1];
    // keep[n][c]: item n is taken at capacity c.
    let mut keep = vec![false; items.len() * (cap + 1)];
    for (n, &i) in items.iter().enumerate() {
        let w = weight(i) as usize;
        let v = benefit(&projects[i], rules);
        if w > cap {
            continue;
        }
        for c in (w..=cap).rev() {
            let with = best[c - w] + v;
            if with > best[c] {
                best[c] = with;
                keep[n * (cap + 1) + c] = true;
            }
        }
    }
    let mut chosen = Vec::new();
    let mut c = cap;
    for (n, &i) in items.iter().enumerate().rev() {
        if keep[n * (cap + 1) + c] {
            chosen.push(i);
            c -= weight(i) as usize;
        }
    }
    chosen
}

/// 0-1 knapsack by dynamic programming over the total benefit: the least
/// cost of each benefit, then the largest benefit within `capacity`. For
/// costs with no common step, whatever the budget.
fn exact_by_benefit(
    items: &[usize],
    (projects, rules): (&[Project], &[Rule]),
    capacity: u64,
    weight: impl Fn(usize) -> u64,
) -> Vec<usize> {
    let total: usize = items
        .iter()
        .map(|&i| benefit(&projects[i], rules).max(0) as usize)
        .sum();
    let mut least = vec![u64::MAX; total + 1];
    least[0] = 0;
    // keep[n][v]: item n is taken for benefit v.
    let mut keep = vec![false; items.len() * (total + 1)];
    for (n, &i) in items.iter().enumerate() {
        let v = benefit(&projects[i], rules).max(0) as usize;
        let w = weight(i);
        for b in (v..=total).rev() {
            let with = least[b - v].saturating_add(w);
            if least[b - v] != u64::MAX && with < least[b] {
                least[b] = with;
                keep[n * (total + 1) + b] = true;
            }
        }
    }
    let Some(mut b) = (0..=total).rev().find(|&b| least[b] <= capacity) else {
        return Vec::new();
    };
    let mut chosen = Vec::new();
    for (n, &i) in items.iter().enumerate().rev() {
        if keep[n * (total + 1) + b] {
            chosen.push(i);
            b -= benefit(&projects[i], rules).max(0) as usize;
        }
    }
    chosen
}

/// Highest benefit per yuan first (rank breaks ties), while money lasts.
fn greedy(items: &[usize], projects: &[Project], rules: &[Rule], budget: f64) -> Vec<usize> {
    let mut order = items.to_vec();
    let density = |i: usize| {
        let cost = projects[i].cost.unwrap_or(0.0);
        if cost <= 0.0 {
            f64::INFINITY
        } else {
            benefit(&projects[i], rules) as f64 / cost
        }
    };
    order.sort_by(|a, b| density(*b).total_cmp(&density(*a)).then(a.cmp(b)));
    let mut left = budget;
    let mut chosen = Vec::new();
    for i in order {
        let cost = projects[i].cost.unwrap_or(0.0);
        if cost <= left {
            left -= cost;
            chosen.push(i);
        }
    }
    chosen
}
