//! The demo's linked cadres, as the seed's county links them.

use super::Rng;
use super::registry::person;

/// A linked cadre: a name (namesakes are common), a code and a work unit.
#[derive(Clone)]
pub(super) struct Cadre {
    pub(super) name: String,
    pub(super) code: String,
    pub(super) unit: String,
}

/// County offices whose cadres are linked to households besides the
/// townships' own.
const OFFICES: [&str; 8] = [
    "县教育体育局",
    "县卫生健康局",
    "县农业农村局",
    "县水务局",
    "县住房和城乡建设局",
    "县财政局",
    "县乡村振兴局",
    "县人力资源和社会保障局",
];

/// The cadres linked to the `size` households of a village, in order, as
/// the seed's county links them (4,938 cadres for 20,718 households):
/// most with 3 to 5 households, a leader about 10. `number` counts the
/// county's cadres so far, for their codes.
pub(super) fn draw_cadres(
    rng: &mut Rng,
    township: &str,
    size: usize,
    number: &mut usize,
) -> Vec<Cadre> {
    let mut out = Vec::new();
    let mut linked = 0;
    while linked < size {
        let households = if rng.chance(0.04) {
            9 + rng.below(3)
        } else {
            3 + rng.below(3)
        };
        *number += 1;
        let unit = if rng.chance(0.7) {
            format!("{township}人民政府")
        } else {
            rng.pick(&OFFICES).to_string()
        };
        let cadre = Cadre {
            name: person(rng),
            code: format!("GB{:05}", *number),
            unit,
        };
        out.extend(std::iter::repeat_n(cadre, households.min(size - linked)));
        linked += households;
    }
    out
}
