//! Schedule snapshots kept in memory for slot listings, exact across processes.
//!
//! A listing first reads the host's [`ScheduleVersion`] (with the rest of the public page, in
//! [`crate::HostStore::public_event_type`]). An entry is served only when it was read at exactly
//! that version, and every change to what a snapshot holds raises the version in the writing
//! transaction, so a served snapshot always holds every committed change the reader could see —
//! whichever process wrote it. Entries are stored under the version the snapshot itself read
//! *before* its rows, never under the caller's, so a snapshot is never filed under a version newer
//! than its data.
//!
//! Booking changes never use this cache: they read a fresh snapshot under the host's lock
//! (docs/architecture.md, "The booking transaction").
//!
//! The size is bounded by two generations: lookups that hit the older one move the entry to
//! the newer one, and when the newer one is half the capacity it becomes the older one and the
//! oldest entries go. Entries that keep being read stay; the rest age out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use jiff::Timestamp;
use kairos_core::ids::{TenantId, UserId};

use crate::{ScheduleSnapshot, ScheduleVersion, Store, StoreResult};

/// Which snapshot: a host's, over one span (as [`crate::BookingStore::schedule_snapshot`] reads
/// it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SnapshotKey {
    pub tenant: TenantId,
    pub host: UserId,
    pub span_start: Timestamp,
    pub span_end: Timestamp,
}

type Generation = HashMap<SnapshotKey, Arc<ScheduleSnapshot>>;

#[derive(Debug, Default)]
struct Generations {
    current: Generation,
    previous: Generation,
}

/// Snapshots by host and span, each valid while its host's version is unchanged.
#[derive(Debug)]
pub struct SnapshotCache {
    capacity: usize,
    generations: Mutex<Generations>,
}

impl SnapshotCache {
    /// A cache of at most `capacity` snapshots (at least 2).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(2),
            generations: Mutex::default(),
        }
    }

    /// The snapshot for `key` read at `version`, if held.
    pub fn get(
        &self,
        key: &SnapshotKey,
        version: ScheduleVersion,
    ) -> Option<Arc<ScheduleSnapshot>> {
        let mut generations = self.lock();
        if let Some(snapshot) = generations.current.get(key) {
            return (snapshot.version == version).then(|| Arc::clone(snapshot));
        }
        let snapshot = generations.previous.remove(key)?;
        if snapshot.version != version {
            return None;
        }
        self.keep(&mut generations, *key, Arc::clone(&snapshot));
        Some(snapshot)
    }

    /// Keeps `snapshot` for `key`, unless a snapshot read at a later version is already held.
    pub fn insert(&self, key: SnapshotKey, snapshot: Arc<ScheduleSnapshot>) {
        let mut generations = self.lock();
        let newer_held = [&generations.current, &generations.previous]
            .into_iter()
            .filter_map(|generation| generation.get(&key))
            .any(|held| held.version > snapshot.version);
        if !newer_held {
            generations.previous.remove(&key);
            self.keep(&mut generations, key, snapshot);
        }
    }

    /// The snapshot for `key` valid at `version`: the held one, or a fresh read from `store`
    /// (which is then kept).
    pub async fn snapshot(
        &self,
        store: &dyn Store,
        key: SnapshotKey,
        version: ScheduleVersion,
    ) -> StoreResult<Arc<ScheduleSnapshot>> {
        if let Some(snapshot) = self.get(&key, version) {
            return Ok(snapshot);
        }
        let snapshot = Arc::new(
            store
                .schedule_snapshot(key.tenant, key.host, key.span_start, key.span_end, None)
                .await?,
        );
        self.insert(key, Arc::clone(&snapshot));
        Ok(snapshot)
    }

    /// How many snapshots are held.
    pub fn len(&self) -> usize {
        let generations = self.lock();
        generations.current.len() + generations.previous.len()
    }

    /// Whether no snapshot is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn keep(
        &self,
        generations: &mut Generations,
        key: SnapshotKey,
        snapshot: Arc<ScheduleSnapshot>,
    ) {
        if generations.current.len() >= self.capacity / 2 && !generations.current.contains_key(&key)
        {
            generations.previous = std::mem::take(&mut generations.current);
        }
        generations.current.insert(key, snapshot);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        // Every update leaves the maps consistent, so a panic elsewhere cannot poison them.
        self.generations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use kairos_core::schedule::WeeklySchedule;
    use kairos_core::zone::TimeZoneName;

    use super::*;
    use crate::Availability;

    fn key(n: i64) -> SnapshotKey {
        SnapshotKey {
            tenant: TenantId::new(),
            host: UserId::new(),
            span_start: Timestamp::from_second(n).expect("instant"),
            span_end: Timestamp::from_second(n + 60).expect("instant"),
        }
    }

    fn snapshot(version: i64) -> Arc<ScheduleSnapshot> {
        Arc::new(ScheduleSnapshot {
            version: ScheduleVersion::new(version),
            availability: Availability {
                user_id: UserId::new(),
                timezone: TimeZoneName::parse("UTC").expect("zone"),
                weekly_schedule: WeeklySchedule::default(),
                updated_at: Timestamp::UNIX_EPOCH,
            },
            overrides: Vec::new(),
            blocked: Vec::new(),
            bookings: Vec::new(),
        })
    }

    #[test]
    fn a_snapshot_serves_only_its_own_version() {
        let cache = SnapshotCache::new(8);
        let key = key(0);
        cache.insert(key, snapshot(3));
        assert!(cache.get(&key, ScheduleVersion::new(3)).is_some());
        assert!(cache.get(&key, ScheduleVersion::new(4)).is_none());
        assert!(cache.get(&key, ScheduleVersion::new(2)).is_none());
    }

    #[test]
    fn an_older_snapshot_never_replaces_a_newer_one() {
        let cache = SnapshotCache::new(8);
        let key = key(0);
        cache.insert(key, snapshot(5));
        cache.insert(key, snapshot(4));
        assert!(cache.get(&key, ScheduleVersion::new(5)).is_some());
        cache.insert(key, snapshot(6));
        assert!(cache.get(&key, ScheduleVersion::new(6)).is_some());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn the_size_stays_bounded_and_read_entries_stay() {
        let cache = SnapshotCache::new(8);
        let kept = key(-1);
        cache.insert(kept, snapshot(1));
        for n in 0..100 {
            cache.insert(key(n), snapshot(1));
            assert!(
                cache.get(&kept, ScheduleVersion::new(1)).is_some(),
                "after {n}"
            );
            assert!(cache.len() <= 8, "{} entries", cache.len());
        }
    }
}
