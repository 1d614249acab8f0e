//! storebench: compare redb / fjall / heed (LMDB) for a persistent MinHash LSH index.
//!
//! usage: storebench <store> <phase> <datadir>
//!   store: redb | fjall | fjall-ingest | heed
//!   phase: a | b | c
//!
//! Key  = 16 bytes: band (u64 BE, 0..14) ++ band key (u64 BE, uniform random)
//! Value = 8 bytes: doc id (u64 BE) = mix(band, bandkey) so values can be verified.

use std::path::{Path, PathBuf};
use std::time::Instant;

const BANDS: u64 = 14;
const A_PER_BAND: usize = 1_000_000;
const B_PER_BAND: usize = 200_000;
const B_EXISTING_PER_BAND: usize = 20_000; // 10 %
const C_LOOKUPS: usize = 1_000_000;

// ---------------------------------------------------------------- rng / data

struct XorShift(u64);
impl XorShift {
    fn new(seed: u64) -> Self {
        // splitmix the seed so nearby seeds give unrelated streams; never zero
        let s = splitmix(seed ^ 0x9E37_79B9_7F4A_7C15);
        XorShift(if s == 0 { 1 } else { s })
    }
    #[inline]
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[inline]
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[inline]
fn key(band: u64, bk: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&band.to_be_bytes());
    k[8..].copy_from_slice(&bk.to_be_bytes());
    k
}

#[inline]
fn doc(band: u64, bk: u64) -> u64 {
    splitmix(bk ^ band.wrapping_mul(0xA24B_AED4_963E_E407))
}

/// n distinct sorted random u64 for a band, seeded deterministically.
fn sorted_unique(seed: u64, n: usize, exclude: Option<&[u64]>) -> Vec<u64> {
    let mut rng = XorShift::new(seed);
    let mut v: Vec<u64> = Vec::with_capacity(n + 16);
    loop {
        while v.len() < n {
            let x = rng.next();
            if let Some(ex) = exclude {
                if ex.binary_search(&x).is_ok() {
                    continue;
                }
            }
            v.push(x);
        }
        v.sort_unstable();
        v.dedup();
        if v.len() == n {
            return v;
        }
    }
}

/// Phase A keys: per band, 1M sorted unique band keys.
fn gen_a() -> Vec<Vec<u64>> {
    (0..BANDS).map(|b| sorted_unique(1000 + b, A_PER_BAND, None)).collect()
}

/// Phase B: per band, 200k sorted keys; 20k taken from A, 180k new.
/// Returns (keys per band, new-only keys per band).
fn gen_b(a: &[Vec<u64>]) -> (Vec<Vec<u64>>, Vec<Vec<u64>>) {
    let mut all = Vec::new();
    let mut news = Vec::new();
    for b in 0..BANDS {
        let ab = &a[b as usize];
        let newk = sorted_unique(2000 + b, B_PER_BAND - B_EXISTING_PER_BAND, Some(ab));
        // pick 20k distinct indices into A's band
        let mut rng = XorShift::new(3000 + b);
        let mut idx: Vec<usize> = Vec::with_capacity(B_EXISTING_PER_BAND);
        loop {
            while idx.len() < B_EXISTING_PER_BAND {
                idx.push((rng.next() % ab.len() as u64) as usize);
            }
            idx.sort_unstable();
            idx.dedup();
            if idx.len() == B_EXISTING_PER_BAND {
                break;
            }
        }
        let mut v: Vec<u64> = idx.iter().map(|&i| ab[i]).collect();
        v.extend_from_slice(&newk);
        v.sort_unstable();
        assert_eq!(v.len(), B_PER_BAND);
        all.push(v);
        news.push(newk);
    }
    (all, news)
}

/// Phase C: 1M distinct random existing keys (from A ∪ B-new), globally sorted.
fn gen_c() -> Vec<[u8; 16]> {
    let a = gen_a();
    let (_, news) = gen_b(&a);
    let per_band = A_PER_BAND + B_PER_BAND - B_EXISTING_PER_BAND;
    let total = per_band as u64 * BANDS;
    let mut rng = XorShift::new(4000);
    let mut idx: Vec<u64> = Vec::with_capacity(C_LOOKUPS);
    loop {
        while idx.len() < C_LOOKUPS {
            idx.push(rng.next() % total);
        }
        idx.sort_unstable();
        idx.dedup();
        if idx.len() == C_LOOKUPS {
            break;
        }
    }
    let mut keys: Vec<[u8; 16]> = idx
        .iter()
        .map(|&i| {
            let b = i / per_band as u64;
            let j = (i % per_band as u64) as usize;
            let bk = if j < A_PER_BAND { a[b as usize][j] } else { news[b as usize][j - A_PER_BAND] };
            key(b, bk)
        })
        .collect();
    keys.sort_unstable();
    keys
}

// ---------------------------------------------------------------- measurement

#[repr(C)]
struct Timeval {
    sec: i64,
    usec: i64,
}
#[repr(C)]
struct Rusage {
    utime: Timeval,
    stime: Timeval,
    rest: [i64; 14],
}
unsafe extern "C" {
    fn getrusage(who: i32, usage: *mut Rusage) -> i32;
    fn posix_fadvise(fd: i32, offset: i64, len: i64, advice: i32) -> i32;
}

fn cpu() -> (f64, f64) {
    let mut r = Rusage { utime: Timeval { sec: 0, usec: 0 }, stime: Timeval { sec: 0, usec: 0 }, rest: [0; 14] };
    unsafe { getrusage(0, &mut r) }; // RUSAGE_SELF (all threads)
    (
        r.utime.sec as f64 + r.utime.usec as f64 * 1e-6,
        r.stime.sec as f64 + r.stime.usec as f64 * 1e-6,
    )
}

fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    for line in s.lines() {
        if let Some(rest) = line.strip_prefix(field) {
            return rest.trim().trim_end_matches("kB").trim().parse().unwrap();
        }
    }
    0
}

/// Reset the peak-RSS watermark (VmHWM) so the timed section's peak can be read.
fn reset_hwm() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

static MARK: std::sync::Mutex<(u64, u64)> = std::sync::Mutex::new((0, 0));
/// Record anonymous vs file-backed (mmap/page-cache) RSS while the store is still open.
fn mark() {
    *MARK.lock().unwrap() = (status_kb("RssAnon:"), status_kb("RssFile:"));
}

struct Meter {
    t0: Instant,
    c0: (f64, f64),
    base_rss_kb: u64,
}
impl Meter {
    fn start() -> Self {
        reset_hwm();
        Meter { t0: Instant::now(), c0: cpu(), base_rss_kb: status_kb("VmRSS:") }
    }
    fn report(&self, store: &str, phase: &str, dir: &Path, extra: &str) {
        let wall = self.t0.elapsed().as_secs_f64();
        let (u, s) = cpu();
        let (du, ds) = (u - self.c0.0, s - self.c0.1);
        let hwm = status_kb("VmHWM:");
        let (anon, fileb) = *MARK.lock().unwrap();
        let disk = dir_size(dir);
        println!(
            "RESULT store={store} phase={phase} wall_s={wall:.2} user_s={du:.2} sys_s={ds:.2} cpu_s={:.2} \
             peak_rss_mib={:.0} input_rss_mib={:.0} open_anon_mib={:.0} open_file_mib={:.0} disk_mb={:.1} {extra}",
            du + ds,
            hwm as f64 / 1024.0,
            self.base_rss_kb as f64 / 1024.0,
            anon as f64 / 1024.0,
            fileb as f64 / 1024.0,
            disk as f64 / 1e6
        );
    }
}

/// Allocated on-disk bytes (st_blocks*512) of all files under dir.
fn dir_size(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut tot = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                tot += dir_size(&e.path());
            } else {
                tot += m.blocks() * 512;
            }
        }
    }
    tot
}

/// Drop the store's files from the OS page cache (only these files) for a cold read.
fn evict_page_cache(p: &Path) {
    use std::os::fd::AsRawFd;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let path = e.path();
            if path.is_dir() {
                evict_page_cache(&path);
            } else if let Ok(f) = std::fs::File::open(&path) {
                let _ = f.sync_all();
                let rc = unsafe { posix_fadvise(f.as_raw_fd(), 0, 0, 4) }; // POSIX_FADV_DONTNEED
                if std::env::var_os("EVICT_DEBUG").is_some() { eprintln!("evict {} rc={rc}", path.display()); }
            }
        }
    }
}

// ---------------------------------------------------------------- stores

#[cfg(feature = "redb")]
mod s_redb {
    use super::*;
    use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableDefinition};

    const T: TableDefinition<&[u8; 16], u64> = TableDefinition::new("lsh");

    fn file(dir: &Path) -> PathBuf {
        dir.join("lsh.redb")
    }

    pub fn phase_a(dir: &Path, a: &[Vec<u64>]) -> String {
        let db = Database::create(file(dir)).unwrap();
        let wtx = db.begin_write().unwrap();
        {
            let mut t = wtx.open_table(T).unwrap();
            for b in 0..BANDS {
                for &bk in &a[b as usize] {
                    t.insert(&key(b, bk), doc(b, bk)).unwrap();
                }
            }
        }
        mark();
        wtx.commit().unwrap(); // Durability::Immediate (default) => fsync
        String::new()
    }

    pub fn phase_b(dir: &Path, keys: &[Vec<u64>]) -> (u64, u64) {
        let db = Database::open(file(dir)).unwrap();
        let wtx = db.begin_write().unwrap();
        let (mut found, mut inserted) = (0, 0);
        {
            let mut t = wtx.open_table(T).unwrap();
            for b in 0..BANDS {
                for &bk in &keys[b as usize] {
                    let k = key(b, bk);
                    let hit = t.get(&k).unwrap().map(|g| g.value());
                    match hit {
                        Some(v) => {
                            assert_eq!(v, doc(b, bk));
                            found += 1
                        }
                        None => {
                            t.insert(&k, doc(b, bk)).unwrap();
                            inserted += 1
                        }
                    }
                }
            }
        }
        mark();
        eprintln!("BEGIN-COMMIT");
        wtx.commit().unwrap();
        eprintln!("COMMITTED");
        (found, inserted)
    }

    pub fn count(dir: &Path) -> u64 {
        let db = Database::open(file(dir)).unwrap();
        let rtx = db.begin_read().unwrap();
        rtx.open_table(T).unwrap().len().unwrap()
    }

    pub fn phase_c(dir: &Path, keys: &[[u8; 16]]) -> u64 {
        let db = Database::open(file(dir)).unwrap();
        let rtx = db.begin_read().unwrap();
        let t = rtx.open_table(T).unwrap();
        let mut found = 0;
        for k in keys {
            if let Some(v) = t.get(k).unwrap() {
                let b = u64::from_be_bytes(k[..8].try_into().unwrap());
                let bk = u64::from_be_bytes(k[8..].try_into().unwrap());
                assert_eq!(v.value(), doc(b, bk));
                found += 1;
            }
        }
        mark();
        found
    }
}

#[cfg(feature = "fjall")]
mod s_fjall {
    use super::*;
    use fjall::{KeyspaceCreateOptions, PersistMode, Readable, SingleWriterTxDatabase};

    fn open(dir: &Path) -> (SingleWriterTxDatabase, fjall::SingleWriterTxKeyspace) {
        // Block cache: fjall's default (32 MiB, sharded) cannot hold the multi-MB
        // index/filter blocks of this data set, so every get re-reads them from disk.
        // Use 1 GiB (= redb's default cache) unless FJALL_CACHE_MB overrides.
        let mb: u64 = std::env::var("FJALL_CACHE_MB").ok().and_then(|s| s.parse().ok()).unwrap_or(1024);
        let db = SingleWriterTxDatabase::builder(dir.join("fjall"))
            .cache_size(mb << 20)
            .open()
            .unwrap();
        let ks = db.keyspace("lsh", KeyspaceCreateOptions::default).unwrap();
        (db, ks)
    }

    /// Wait for background flushes/compactions so that disk size and the next
    /// phase see a settled tree; returns the extra seconds spent.
    fn settle(db: &SingleWriterTxDatabase) -> f64 {
        let t = Instant::now();
        let inner = db.inner();
        loop {
            if inner.outstanding_flushes() == 0 && inner.active_compactions() == 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        t.elapsed().as_secs_f64()
    }

    pub fn phase_a(dir: &Path, a: &[Vec<u64>], ingest: bool, t0: Instant) -> String {
        let (db, ks) = open(dir);
        if ingest {
            // documented bulk-load path for pre-sorted data: writes tables directly
            let mut ing = ks.inner().start_ingestion().unwrap();
            for b in 0..BANDS {
                for &bk in &a[b as usize] {
                    ing.write(&key(b, bk)[..], &doc(b, bk).to_be_bytes()[..]).unwrap();
                }
            }
            mark();
            ing.finish().unwrap();
            db.persist(PersistMode::SyncAll).unwrap();
        } else {
            let mut tx = db.write_tx().durability(Some(PersistMode::SyncAll));
            for b in 0..BANDS {
                for &bk in &a[b as usize] {
                    tx.insert(&ks, &key(b, bk)[..], &doc(b, bk).to_be_bytes()[..]);
                }
            }
            mark();
            tx.commit().unwrap();
        }
        let committed = t0.elapsed().as_secs_f64();
        let s = settle(&db);
        format!("committed_s={committed:.2} settle_s={s:.2} journals={}", db.journal_count())
    }

    pub fn phase_b(dir: &Path, keys: &[Vec<u64>], t0: Instant) -> (u64, u64, String) {
        let (db, ks) = open(dir);
        let opened = t0.elapsed().as_secs_f64();
        let mut tx = db.write_tx().durability(Some(PersistMode::SyncAll));
        let (mut found, mut inserted) = (0, 0);
        for b in 0..BANDS {
            for &bk in &keys[b as usize] {
                let k = key(b, bk);
                match tx.get(&ks, &k[..]).unwrap() {
                    Some(v) => {
                        assert_eq!(u64::from_be_bytes((&*v).try_into().unwrap()), doc(b, bk));
                        found += 1
                    }
                    None => {
                        tx.insert(&ks, &k[..], &doc(b, bk).to_be_bytes()[..]);
                        inserted += 1
                    }
                }
            }
        }
        mark();
        eprintln!("BEGIN-COMMIT");
        tx.commit().unwrap();
        eprintln!("COMMITTED");
        let committed = t0.elapsed().as_secs_f64();
        let s = settle(&db);
        (found, inserted, format!("open_s={opened:.2} committed_s={committed:.2} settle_s={s:.2}"))
    }

    pub fn count(dir: &Path) -> u64 {
        let (_db, ks) = open(dir);
        ks.inner().len().unwrap() as u64
    }

    pub fn phase_c(dir: &Path, keys: &[[u8; 16]], t0: Instant) -> (u64, String) {
        let (db, ks) = open(dir);
        let opened = t0.elapsed().as_secs_f64();
        let snap = db.read_tx();
        let mut found = 0;
        for k in keys {
            if let Some(v) = snap.get(&ks, &k[..]).unwrap() {
                let b = u64::from_be_bytes(k[..8].try_into().unwrap());
                let bk = u64::from_be_bytes(k[8..].try_into().unwrap());
                assert_eq!(u64::from_be_bytes((&*v).try_into().unwrap()), doc(b, bk));
                found += 1;
            }
        }
        mark();
        (found, format!("open_s={opened:.2}"))
    }
}

#[cfg(feature = "heed")]
mod s_heed {
    use super::*;
    use heed::types::Bytes;
    use heed::{CommitOrAbort, Database, Env, EnvOpenOptions, PutFlags};

    type Db<'e> = Database<'e, Bytes, Bytes>;

    /// The unnamed (main) database of the env, which always exists.
    fn main_db(env: &Env) -> Db<'_> {
        let rtxn = env.read_txn().unwrap();
        env.open_databases_and_commit(rtxn, |dbo, rtxn| {
            dbo.open_database(rtxn, None).map(CommitOrAbort::<_, ()>::Commit)
        })
        .unwrap()
        .unwrap_commit()
        .expect("unnamed db always exists")
    }

    fn open(dir: &Path) -> Env {
        let p = dir.join("lmdb");
        std::fs::create_dir_all(&p).unwrap();
        // SAFETY: the env is opened once per process and the file is not modified by others.
        unsafe { EnvOpenOptions::new().map_size(16 << 30).open(&p).unwrap() }
    }

    pub fn phase_a(dir: &Path, a: &[Vec<u64>], append: bool) -> String {
        let env = open(dir);
        let db = main_db(&env);
        let mut wtxn = env.write_txn().unwrap();
        for b in 0..BANDS {
            for &bk in &a[b as usize] {
                let k = key(b, bk);
                let v = doc(b, bk).to_be_bytes();
                if append {
                    db.put_with_flags(&mut wtxn, PutFlags::APPEND, &k, &v).unwrap();
                } else {
                    db.put(&mut wtxn, &k, &v).unwrap();
                }
            }
        }
        mark();
        wtxn.commit().unwrap(); // fsync (no NOSYNC flags)
        String::new()
    }

    pub fn phase_b(dir: &Path, keys: &[Vec<u64>]) -> (u64, u64) {
        let env = open(dir);
        let db = main_db(&env);
        let mut wtxn = env.write_txn().unwrap();
        let (mut found, mut inserted) = (0, 0);
        for b in 0..BANDS {
            for &bk in &keys[b as usize] {
                let k = key(b, bk);
                let hit = db.get(&wtxn, &k).unwrap().map(|v| u64::from_be_bytes(v.try_into().unwrap()));
                match hit {
                    Some(v) => {
                        assert_eq!(v, doc(b, bk));
                        found += 1
                    }
                    None => {
                        db.put(&mut wtxn, &k, &doc(b, bk).to_be_bytes()).unwrap();
                        inserted += 1
                    }
                }
            }
        }
        mark();
        eprintln!("BEGIN-COMMIT");
        wtxn.commit().unwrap();
        eprintln!("COMMITTED");
        (found, inserted)
    }

    pub fn count(dir: &Path) -> u64 {
        let env = open(dir);
        let db = main_db(&env);
        let rtxn = env.read_txn().unwrap();
        db.len(&rtxn).unwrap()
    }

    pub fn phase_c(dir: &Path, keys: &[[u8; 16]]) -> u64 {
        let env = open(dir);
        let db = main_db(&env);
        let rtxn = env.read_txn().unwrap();
        let mut found = 0;
        for k in keys {
            if let Some(v) = db.get(&rtxn, k).unwrap() {
                let b = u64::from_be_bytes(k[..8].try_into().unwrap());
                let bk = u64::from_be_bytes(k[8..].try_into().unwrap());
                assert_eq!(u64::from_be_bytes(v.try_into().unwrap()), doc(b, bk));
                found += 1;
            }
        }
        mark();
        found
    }
}

// ---------------------------------------------------------------- driver

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: storebench <redb|fjall|fjall-ingest|heed|heed-put> <a|b|c> <datadir> [cold]");
        std::process::exit(2);
    }
    let (store, phase, dir) = (args[1].as_str(), args[2].as_str(), PathBuf::from(&args[3]));
    let cold = args.get(4).map(|s| s == "cold").unwrap_or(false);
    std::fs::create_dir_all(&dir).unwrap();
    #[allow(unused_variables)]
    let ingest = store == "fjall-ingest";

    match phase {
        "a" => {
            let a = gen_a();
            let m = Meter::start();
            let extra = match store {
                #[cfg(feature = "redb")]
                "redb" => s_redb::phase_a(&dir, &a),
                #[cfg(feature = "fjall")]
                "fjall" | "fjall-ingest" => s_fjall::phase_a(&dir, &a, ingest, m.t0),
                #[cfg(feature = "heed")]
                "heed" => s_heed::phase_a(&dir, &a, true),
                #[cfg(feature = "heed")]
                "heed-put" => s_heed::phase_a(&dir, &a, false),
                _ => panic!("store {store} not compiled in"),
            };
            m.report(store, "A", &dir, &format!("entries={} {extra}", BANDS as usize * A_PER_BAND));
        }
        "b" => {
            let a = gen_a();
            let (keys, _) = gen_b(&a);
            drop(a);
            let m = Meter::start();
            #[allow(unused_mut)]
            let mut extra = String::new();
            let (found, inserted): (u64, u64) = match store {
                #[cfg(feature = "redb")]
                "redb" => s_redb::phase_b(&dir, &keys),
                #[cfg(feature = "fjall")]
                "fjall" | "fjall-ingest" => {
                    let (f, i, e) = s_fjall::phase_b(&dir, &keys, m.t0);
                    extra = e;
                    (f, i)
                }
                #[cfg(feature = "heed")]
                "heed" | "heed-put" => s_heed::phase_b(&dir, &keys),
                _ => panic!("store {store} not compiled in"),
            };
            let want = BANDS * B_EXISTING_PER_BAND as u64;
            let ok = found == want && inserted == BANDS * B_PER_BAND as u64 - want;
            m.report(store, "B", &dir, &format!("found={found} expected={want} inserted={inserted} ok={ok} {extra}"));
            assert!(ok, "phase B correctness failed");
        }
        "evict" => evict_page_cache(&dir),
        // entry count, used by the kill -9 atomicity test
        "count" => {
            let n: u64 = match store {
                #[cfg(feature = "redb")]
                "redb" => s_redb::count(&dir),
                #[cfg(feature = "fjall")]
                "fjall" | "fjall-ingest" => s_fjall::count(&dir),
                #[cfg(feature = "heed")]
                "heed" | "heed-put" => s_heed::count(&dir),
                _ => panic!("store {store} not compiled in"),
            };
            println!("COUNT store={store} entries={n}");
        }
        "c" => {
            let keys = gen_c();
            if cold {
                evict_page_cache(&dir);
            }
            let m = Meter::start();
            #[allow(unused_mut)]
            let mut extra = String::new();
            let found: u64 = match store {
                #[cfg(feature = "redb")]
                "redb" => s_redb::phase_c(&dir, &keys),
                #[cfg(feature = "fjall")]
                "fjall" | "fjall-ingest" => {
                    let (f, e) = s_fjall::phase_c(&dir, &keys, m.t0);
                    extra = e;
                    f
                }
                #[cfg(feature = "heed")]
                "heed" | "heed-put" => s_heed::phase_c(&dir, &keys),
                _ => panic!("store {store} not compiled in"),
            };
            let ok = found == keys.len() as u64;
            m.report(
                store,
                if cold { "C-cold" } else { "C-warm" },
                &dir,
                &format!("found={found} expected={} ok={ok} {extra}", keys.len()),
            );
            assert!(ok, "phase C correctness failed");
        }
        _ => panic!("phase must be a|b|c"),
    }
}
