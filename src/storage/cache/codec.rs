//! The cache's byte codec: LEB128 varints (zigzag for signed), f64s as their
//! 8 raw bytes, strings with their length, a presence byte before an option,
//! and the checksum over the body. The reader never panics: a damaged or
//! short input gives `None`.

use chrono::{DateTime, FixedOffset};

/// Bytes being written.
pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    pub(super) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub(super) fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    pub(super) fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    pub(super) fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }

    pub(super) fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    pub(super) fn opt<T: ?Sized>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
        }
    }

    pub(super) fn time(&mut self, t: &DateTime<FixedOffset>) {
        self.int(t.timestamp());
        self.uint(t.timestamp_subsec_nanos().into());
        self.int(t.offset().local_minus_utc().into());
    }
}

/// Bytes being read, from the front.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, tail) = self.0.split_at_checked(n)?;
        self.0 = tail;
        Some(head)
    }

    pub(super) fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    pub(super) fn uint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7F).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    pub(super) fn int(&mut self) -> Option<i64> {
        let v = self.uint()?;
        Some(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    /// A count of items of at least `min` bytes each: never more than the
    /// bytes left could hold, so a damaged count cannot allocate wildly.
    pub(super) fn count(&mut self, min: usize) -> Option<usize> {
        let n = usize::try_from(self.uint()?).ok()?;
        (n <= self.0.len() / min.max(1)).then_some(n)
    }

    pub(super) fn f64(&mut self) -> Option<f64> {
        Some(f64::from_bits(u64::from_le_bytes(
            self.take(8)?.try_into().ok()?,
        )))
    }

    pub(super) fn str(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.uint()?).ok()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    pub(super) fn flag(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub(super) fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.flag()? {
            f(self).map(Some)
        } else {
            Some(None)
        }
    }

    pub(super) fn time(&mut self) -> Option<DateTime<FixedOffset>> {
        let secs = self.int()?;
        let nanos = self.u32()?;
        let offset = FixedOffset::east_opt(i32::try_from(self.int()?).ok()?)?;
        Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&offset))
    }
}

/// FNV-1a over 8-byte words, with a rotation so high bits reach low ones:
/// catches damage, not tampering (the cache is ours, in the user's own folder).
pub(super) fn checksum(bytes: &[u8]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01B3;
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(PRIME)
            .rotate_left(29);
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(PRIME).rotate_left(29);
    }
    h ^ bytes.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_at_every_width() {
        let uints = [
            0,
            1,
            0x7F,
            0x80,
            0x3FFF,
            0x4000,
            u64::from(u32::MAX),
            u64::MAX,
        ];
        let ints = [0, 1, -1, 63, -64, 64, -65, i64::MAX, i64::MIN];
        let mut w = Writer(Vec::new());
        for v in uints {
            w.uint(v);
        }
        for v in ints {
            w.int(v);
        }
        // One byte up to 127, ten for the largest.
        assert_eq!(w.0[..3], [0, 1, 0x7F]);
        let mut r = Reader(&w.0);
        for v in uints {
            assert_eq!(r.uint(), Some(v));
        }
        for v in ints {
            assert_eq!(r.int(), Some(v));
        }
        assert!(r.0.is_empty());
    }

    #[test]
    fn short_or_overlong_input_is_refused() {
        // A varint that never ends, or runs past 64 bits.
        assert_eq!(Reader(&[0x80; 3]).uint(), None);
        assert_eq!(Reader(&[0xFF; 11]).uint(), None);
        // A string longer than what is left, a flag that is neither 0 nor 1.
        assert_eq!(Reader(&[5, b'a', b'b']).str(), None);
        assert_eq!(Reader(&[2]).flag(), None);
        // A count that the bytes left could not hold.
        assert_eq!(Reader(&[100, 0, 0]).count(1), None);
        assert_eq!(Reader(&[2, 0, 0]).count(1), Some(2));
    }
}
