//! What an interview's state keeps of what it worked out.

use std::collections::HashMap;

/// What a state keeps of what it worked out, by slot or position.
pub(super) type Cache<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Small>>;

/// Hashes a few small integers (a slot's position and row) by multiplying
/// them in, as rustc's FxHash does: an interview's expressions look up
/// slots at nearly every step, where SipHash's guard against chosen keys
/// buys nothing.
#[derive(Default)]
pub(super) struct Small(u64);

impl Small {
    fn add(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for Small {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.add(u64::from(*b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}
