//! fastText supervised-model inference in Rust: reads the model file fastText writes (format version 12,
//! `.bin` or quantised `.ftz`) and predicts the top label of one line exactly as fastText 0.9.2's
//! `predict` does (the C++ library behind the Python binding and datatrove's `LanguageFilter`).
//!
//! Why by hand: the model is small (lid.176.ftz: 7,235 words, 42,765 kept n-gram buckets, 16
//! dimensions, hierarchical softmax over 176 labels) and fastText's own code spends most of its time on
//! the way to the arithmetic: a `std::string` per token and per character n-gram, a hash-map lookup per
//! n-gram, a stream read per byte, and a copy of the text through the C API. Here n-gram hashes are
//! extended one character at a time over a reused buffer, the quantised rows are decoded once at load,
//! and the text is read in place. The arithmetic is fastText's, in its order and at its precisions
//! (f32 sums, f64 `log`/sigmoid steps rounded back to f32), so labels and scores are bit-identical:
//! `bench/langid_check.py` and the Python test `test_langid.py` check that against fastText itself.
//!
//! Supported: supervised models with hierarchical softmax (`-loss hs`, as lid.176 and most language-ID
//! models), dense or product-quantised input and output, pruned or full n-gram buckets, any
//! `wordNgrams`. Other losses are refused at load with a message.

use std::path::Path;

const MAGIC: i32 = 793_712_314;
const VERSION: i32 = 12;
const EOS: &[u8] = b"</s>";
const LABEL_PREFIX: &[u8] = b"__label__";
/// fastText's product quantiser uses 8-bit codes.
const KSUB: usize = 256;
const LOSS_HS: i32 = 1;
const MODEL_SUP: i32 = 3;

pub struct Model {
    dim: usize,
    minn: usize,
    maxn: usize,
    bucket: u32,
    word_ngrams: usize,
    nwords: u32,
    /// Entries of the dictionary (words then labels); `is_label` by entry type.
    entries: Vec<Box<[u8]>>,
    is_label: Vec<bool>,
    vocab: Table,
    /// Input rows of every word: itself then its character n-grams (fastText's `initNgrams`).
    word_rows: Vec<u32>,
    word_rows_at: Vec<u32>,
    /// Kept n-gram buckets of a pruned (quantised) model: bucket → row − nwords. `None`: all kept.
    pruned: Option<Buckets>,
    /// Input matrix, row-major, decoded from the quantiser where quantised (norm × centroid, the f32
    /// product fastText adds).
    input: Vec<f32>,
    /// Output rows (decoded centroids where quantised) and each row's norm, applied after the dot
    /// product as fastText's `mulcode` does (1 for a dense matrix).
    output: Vec<f32>,
    output_norm: Vec<f32>,
    /// Hierarchical-softmax tree: `(left, right)` of nodes `nlabels..2·nlabels−1`; leaves are labels.
    tree: Vec<(i32, i32)>,
    nlabels: usize,
}

impl Model {
    pub fn load(path: &Path) -> Result<Model, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Model::parse(&bytes).map_err(|e| format!("{}: not a fastText model this reader supports: {e}", path.display()))
    }

    pub fn parse(bytes: &[u8]) -> Result<Model, String> {
        let mut r = Reader { bytes, at: 0 };
        if r.i32()? != MAGIC {
            return Err("wrong magic number".into());
        }
        let version = r.i32()?;
        if version != VERSION {
            return Err(format!("format version {version}, expected {VERSION}"));
        }
        // Args: dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate, t.
        let a: Vec<i32> = (0..12).map(|_| r.i32()).collect::<Result<_, _>>()?;
        r.take(8)?;
        let (dim, word_ngrams, loss, model, bucket, minn, maxn) = (a[0], a[5], a[6], a[7], a[8], a[9], a[10]);
        if model != MODEL_SUP {
            return Err(format!("model type {model} is not a supervised classifier"));
        }
        if loss != LOSS_HS {
            return Err(format!(
                "loss {loss}: only hierarchical softmax (-loss hs) is implemented"
            ));
        }
        if dim <= 0 || bucket < 0 || minn < 0 || maxn < 0 || word_ngrams < 1 {
            return Err("invalid arguments".into());
        }
        let (dim, bucket) = (dim as usize, bucket as u32);

        let size = r.count()?;
        let nwords = r.count()?;
        let nlabels = r.count()?;
        let _ntokens = r.i64()?;
        let prune_size = r.i64()?;
        if nwords + nlabels != size || nlabels == 0 {
            return Err("dictionary sizes disagree".into());
        }
        let mut entries = Vec::with_capacity(size);
        let mut is_label = Vec::with_capacity(size);
        let mut label_counts = Vec::with_capacity(nlabels);
        for i in 0..size {
            let end = r.bytes[r.at..]
                .iter()
                .position(|&b| b == 0)
                .ok_or("unterminated word")?;
            entries.push(r.take(end)?.to_vec().into_boxed_slice());
            r.take(1)?;
            let count = r.i64()?;
            is_label.push(r.u8()? == 1);
            if i >= nwords {
                label_counts.push(count);
            }
        }
        let pruned = if prune_size >= 0 {
            let mut pairs = Vec::with_capacity(prune_size as usize);
            for _ in 0..prune_size {
                let (from, to) = (r.i32()?, r.i32()?);
                if from < 0 || from as u32 >= bucket || to < 0 {
                    return Err("pruned bucket out of range".into());
                }
                pairs.push((from as u32, to as u32));
            }
            Some(Buckets::new(bucket, pairs))
        } else {
            None
        };

        let quant_input = r.u8()? != 0;
        let (input, input_rows) = if quant_input {
            let (rows, cols, norms) = r.quantized()?;
            if cols != dim {
                return Err("input matrix width differs from dim".into());
            }
            // fastText adds norm × centroid (an f32 product) to the hidden vector; decode it once.
            let scaled = rows
                .chunks(dim)
                .zip(&norms)
                .flat_map(|(row, &n)| row.iter().map(move |&c| n * c))
                .collect();
            (scaled, norms.len())
        } else {
            let (rows, cols, data) = r.dense()?;
            if cols != dim {
                return Err("input matrix width differs from dim".into());
            }
            (data, rows)
        };
        let quant_output = r.u8()? != 0;
        let (output, output_norm) = if quant_input && quant_output {
            let (rows, cols, norms) = r.quantized()?;
            if cols != dim {
                return Err("output matrix width differs from dim".into());
            }
            (rows, norms)
        } else {
            let (rows, cols, data) = r.dense()?;
            if cols != dim {
                return Err("output matrix width differs from dim".into());
            }
            (data, vec![1.0; rows])
        };
        if output_norm.len() + 1 < nlabels {
            return Err("output matrix has fewer rows than the tree's inner nodes".into());
        }

        let mut m = Model {
            dim,
            minn: minn as usize,
            maxn: maxn as usize,
            bucket,
            word_ngrams: word_ngrams as usize,
            nwords: nwords as u32,
            vocab: Table::with_capacity(size),
            entries,
            is_label,
            word_rows: Vec::new(),
            word_rows_at: vec![0],
            pruned,
            input,
            output,
            output_norm,
            tree: build_tree(&label_counts),
            nlabels,
        };
        // Later duplicates win, as in fastText's word2int table.
        for (i, w) in m.entries.iter().enumerate() {
            let entries = &m.entries;
            m.vocab.insert(fnv(w), i as u32, |j| entries[j as usize] == *w);
        }
        let mut word = Vec::new();
        for i in 0..size {
            let mut rows = vec![i as u32];
            if *m.entries[i] != *EOS {
                word.clear();
                word.push(b'<');
                word.extend_from_slice(&m.entries[i]);
                word.push(b'>');
                m.subwords(&word, &mut |r| rows.push(r));
            }
            m.word_rows.extend(rows);
            m.word_rows_at.push(m.word_rows.len() as u32);
        }
        let ngram_rows = match &m.pruned {
            Some(t) => t.rows.iter().map(|&r| r as usize + 1).max().unwrap_or(0),
            None => bucket as usize,
        };
        if m.nwords as usize + ngram_rows > input_rows {
            return Err(format!("n-gram rows beyond the input matrix's {input_rows} rows"));
        }
        Ok(m)
    }

    /// The top label (without `__label__`) and its probability, as fastText's `predict(text, k=1)`
    /// gives them for `text` with its newlines made spaces. `None` when no label passes fastText's
    /// threshold of 0 (never seen with lid.176: the top of 176 labels has at least 1/176).
    pub fn predict(&self, text: &str) -> Option<(&str, f32)> {
        // fastText sums the rows into the hidden vector in f32, in input order, then scales it by
        // 1/count (an f64 quotient rounded to f32).
        let mut hidden = vec![0.0f32; self.dim];
        let mut count = 0usize;
        self.rows(text.as_bytes(), |row| {
            let r = row as usize * self.dim;
            for (h, w) in hidden.iter_mut().zip(&self.input[r..r + self.dim]) {
                *h += w;
            }
            count += 1;
        });
        let scale = (1.0 / count as f64) as f32;
        hidden.iter_mut().for_each(|h| *h *= scale);

        let mut best = None;
        self.dfs(2 * self.nlabels - 2, 0.0, &hidden, &mut best);
        let (score, leaf) = best?;
        let label = &self.entries[self.nwords as usize + leaf];
        let label = label.strip_prefix(LABEL_PREFIX).unwrap_or(label);
        Some((std::str::from_utf8(label).unwrap_or("unknown"), score.exp()))
    }

    /// fastText's `HierarchicalSoftmaxLoss::dfs` for k = 1 and threshold 0, with its pruning: a later
    /// leaf with an equal score replaces the earlier one, as its heap does.
    fn dfs(&self, node: usize, score: f32, hidden: &[f32], best: &mut Option<(f32, usize)>) {
        if score < std_log(0.0) {
            return;
        }
        if matches!(best, Some((b, _)) if score < *b) {
            return;
        }
        if node < self.nlabels {
            *best = Some((score, node));
            return;
        }
        let (left, right) = self.tree[node - self.nlabels];
        let row = node - self.nlabels;
        let w = &self.output[row * self.dim..(row + 1) * self.dim];
        let mut f = 0.0f32;
        for (x, c) in hidden.iter().zip(w) {
            f += x * c;
        }
        f *= self.output_norm[row];
        let f = (1.0 / f64::from(1.0 + (-f).exp())) as f32;
        self.dfs(
            left as usize,
            score + std_log((1.0 - f64::from(f)) as f32),
            hidden,
            best,
        );
        self.dfs(right as usize, score + std_log(f), hidden, best);
    }

    /// The input rows of one line, in fastText's order (`Dictionary::getLine`): per token, a known
    /// word's rows or an unknown word's character n-grams; labels skipped; `</s>` ends the line (one
    /// is appended, as the newline fastText's readers add); then word n-grams.
    fn rows(&self, text: &[u8], mut row: impl FnMut(u32)) {
        let mut word = Vec::new();
        let mut word_hashes = Vec::new();
        let separators = |b: &u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c | 0);
        for token in text.split(separators).filter(|t| !t.is_empty()).chain([EOS]) {
            let h = fnv(token);
            let id = self.vocab.get(h, |i| *self.entries[i as usize] == *token);
            let label = match id {
                Some(i) => self.is_label[i as usize],
                None => token.starts_with(LABEL_PREFIX),
            };
            if label {
                continue;
            }
            match id {
                Some(i) => {
                    let (a, b) = (self.word_rows_at[i as usize], self.word_rows_at[i as usize + 1]);
                    self.word_rows[a as usize..b as usize].iter().for_each(|&r| row(r));
                }
                None => {
                    word.clear();
                    word.push(b'<');
                    word.extend_from_slice(token);
                    word.push(b'>');
                    self.subwords(&word, &mut row);
                }
            }
            if self.word_ngrams > 1 {
                word_hashes.push(h as i32);
            }
            if token == EOS {
                break;
            }
        }
        // Word n-grams (wordNgrams > 1), with fastText's sign-extended 64-bit arithmetic.
        for (i, &first) in word_hashes.iter().enumerate() {
            let mut h = i64::from(first) as u64;
            for &next in word_hashes[i + 1..].iter().take(self.word_ngrams - 1) {
                h = h.wrapping_mul(116_049_371).wrapping_add(i64::from(next) as u64);
                self.push_bucket((h % u64::from(self.bucket)) as u32, &mut row);
            }
        }
    }

    /// fastText's `computeSubwords`: the character n-grams (minn..=maxn UTF-8 characters) of
    /// `<word>`, single characters at its ends left out, each hashed into a bucket. The hash of an
    /// n-gram extends the hash of the one before it, so nothing is copied.
    fn subwords(&self, word: &[u8], row: &mut impl FnMut(u32)) {
        for i in 0..word.len() {
            if word[i] & 0xC0 == 0x80 {
                continue;
            }
            let mut h = FNV_OFFSET;
            let (mut j, mut n) = (i, 1);
            while j < word.len() && n <= self.maxn {
                h = fnv_byte(h, word[j]);
                j += 1;
                while j < word.len() && word[j] & 0xC0 == 0x80 {
                    h = fnv_byte(h, word[j]);
                    j += 1;
                }
                if n >= self.minn && !(n == 1 && (i == 0 || j == word.len())) {
                    self.push_bucket(h % self.bucket, row);
                }
                n += 1;
            }
        }
    }

    /// fastText's `pushHash`: a bucket's row, or nothing when pruning dropped it.
    fn push_bucket(&self, bucket: u32, row: &mut impl FnMut(u32)) {
        match &self.pruned {
            None => row(self.nwords + bucket),
            Some(t) => {
                if let Some(to) = t.get(bucket) {
                    row(self.nwords + to);
                }
            }
        }
    }
}

/// fastText's `std_log`: log(x + 1e-5) in f64, rounded to f32.
fn std_log(x: f32) -> f32 {
    (f64::from(x) + 1e-5).ln() as f32
}

const FNV_OFFSET: u32 = 2_166_136_261;

/// One step of fastText's FNV-1a, which folds each byte in sign-extended (C++ `int8_t`).
fn fnv_byte(h: u32, b: u8) -> u32 {
    (h ^ (b as i8 as i32 as u32)).wrapping_mul(16_777_619)
}

fn fnv(bytes: &[u8]) -> u32 {
    bytes.iter().fold(FNV_OFFSET, |h, &b| fnv_byte(h, b))
}

/// fastText's `buildTree`: Huffman coding over the label counts (sorted by decreasing count in the
/// dictionary), inner node `i` joining the two smallest of the remaining leaves and inner nodes.
fn build_tree(counts: &[i64]) -> Vec<(i32, i32)> {
    let n = counts.len();
    let mut count: Vec<i64> = counts.to_vec();
    count.resize(2 * n - 1, 1_000_000_000_000_000);
    let mut inner = Vec::with_capacity(n - 1);
    let (mut leaf, mut node) = (n as i64 - 1, n);
    for i in n..2 * n - 1 {
        let mut pick = [0usize; 2];
        for p in &mut pick {
            if leaf >= 0 && count[leaf as usize] < count[node] {
                *p = leaf as usize;
                leaf -= 1;
            } else {
                *p = node;
                node += 1;
            }
        }
        inner.push((pick[0] as i32, pick[1] as i32));
        count[i] = count[pick[0]] + count[pick[1]];
    }
    inner
}

/// The kept buckets of a pruned model as a bitmap with rank counts: a lookup is one bit test (most
/// n-grams of a text fall in dropped buckets) and, for a kept one, a popcount; 2 M buckets take
/// 256 KiB of bits, small enough to stay in cache where a hash map's probes would miss.
struct Buckets {
    bits: Vec<u64>,
    /// Kept buckets before each 64-bit word.
    rank: Vec<u32>,
    /// Rows of the kept buckets, in bucket order.
    rows: Vec<u32>,
}

impl Buckets {
    fn new(bucket: u32, mut pairs: Vec<(u32, u32)>) -> Buckets {
        // A bucket listed twice keeps its last row, as fastText's map does (the sort is stable).
        pairs.sort_by_key(|p| p.0);
        pairs.reverse();
        pairs.dedup_by_key(|p| p.0);
        pairs.reverse();
        let words = (bucket as usize).div_ceil(64);
        let mut bits = vec![0u64; words];
        for &(b, _) in &pairs {
            bits[b as usize / 64] |= 1 << (b % 64);
        }
        let mut rank = Vec::with_capacity(words);
        let mut total = 0;
        for w in &bits {
            rank.push(total);
            total += w.count_ones();
        }
        Buckets {
            bits,
            rank,
            rows: pairs.into_iter().map(|p| p.1).collect(),
        }
    }

    fn get(&self, b: u32) -> Option<u32> {
        let (w, bit) = (b as usize / 64, 1u64 << (b % 64));
        let word = self.bits[w];
        (word & bit != 0).then(|| self.rows[(self.rank[w] + (word & (bit - 1)).count_ones()) as usize])
    }
}

/// A small open-addressing map from a 32-bit hash to a `u32`, probing linearly; `eq` tells a hit
/// from a collision when the key is a hash of something else (words).
struct Table {
    slots: Vec<(u32, u32)>,
    mask: usize,
}

const EMPTY: u32 = u32::MAX;

impl Table {
    fn with_capacity(n: usize) -> Table {
        let size = (n * 2).next_power_of_two().max(16);
        Table {
            slots: vec![(0, EMPTY); size],
            mask: size - 1,
        }
    }

    fn slot(&self, key: u32) -> usize {
        (key.wrapping_mul(0x9E37_79B1) as usize) & self.mask
    }

    fn insert(&mut self, key: u32, value: u32, eq: impl Fn(u32) -> bool) {
        let mut i = self.slot(key);
        while self.slots[i].1 != EMPTY && !(self.slots[i].0 == key && eq(self.slots[i].1)) {
            i = (i + 1) & self.mask;
        }
        self.slots[i] = (key, value);
    }

    fn get(&self, key: u32, eq: impl Fn(u32) -> bool) -> Option<u32> {
        let mut i = self.slot(key);
        loop {
            let (k, v) = self.slots[i];
            if v == EMPTY {
                return None;
            }
            if k == key && eq(v) {
                return Some(v);
            }
            i = (i + 1) & self.mask;
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or("file ends early")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn i32(&mut self) -> Result<i32, String> {
        Ok(i32::from_le_bytes(self.take(4)?.try_into().map_err(|_| "short read")?))
    }
    fn i64(&mut self) -> Result<i64, String> {
        Ok(i64::from_le_bytes(self.take(8)?.try_into().map_err(|_| "short read")?))
    }
    fn count(&mut self) -> Result<usize, String> {
        usize::try_from(self.i32()?).map_err(|_| "negative size".into())
    }
    fn f32s(&mut self, n: usize) -> Result<Vec<f32>, String> {
        let raw = self.take(n.checked_mul(4).ok_or("matrix too large")?)?;
        Ok(raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// fastText's `DenseMatrix::load`: rows, cols, row-major f32.
    fn dense(&mut self) -> Result<(usize, usize, Vec<f32>), String> {
        let rows = usize::try_from(self.i64()?).map_err(|_| "negative rows")?;
        let cols = usize::try_from(self.i64()?).map_err(|_| "negative cols")?;
        let data = self.f32s(rows.checked_mul(cols).ok_or("matrix too large")?)?;
        Ok((rows, cols, data))
    }

    /// fastText's `QuantMatrix::load`, decoded: the rows' centroids laid out row-major, and each
    /// row's norm (1 without norm quantisation).
    fn quantized(&mut self) -> Result<(Vec<f32>, usize, Vec<f32>), String> {
        let qnorm = self.u8()? != 0;
        let rows = usize::try_from(self.i64()?).map_err(|_| "negative rows")?;
        let cols = usize::try_from(self.i64()?).map_err(|_| "negative cols")?;
        let ncodes = self.count()?;
        let codes = self.take(ncodes)?;
        let pq = self.quantizer()?;
        if pq.dim != cols || codes.len() != rows * pq.nsubq {
            return Err("quantiser does not match its matrix".into());
        }
        let mut data = Vec::with_capacity(rows * cols);
        for code in codes.chunks_exact(pq.nsubq) {
            for (m, &c) in code.iter().enumerate() {
                data.extend_from_slice(pq.centroid(m, c));
            }
        }
        let norms = if qnorm {
            let codes = self.take(rows)?;
            let npq = self.quantizer()?;
            codes.iter().map(|&c| npq.centroid(0, c)[0]).collect()
        } else {
            vec![1.0; rows]
        };
        Ok((data, cols, norms))
    }

    fn quantizer(&mut self) -> Result<Quantizer, String> {
        let (dim, nsubq, dsub, lastdsub) = (self.count()?, self.count()?, self.count()?, self.count()?);
        if nsubq == 0 || dsub == 0 || (nsubq - 1) * dsub + lastdsub != dim {
            return Err("inconsistent product quantiser".into());
        }
        Ok(Quantizer {
            dim,
            nsubq,
            dsub,
            lastdsub,
            centroids: self.f32s(dim * KSUB)?,
        })
    }
}

/// fastText's `ProductQuantizer`: `nsubq` sub-vectors of `dsub` values (the last `lastdsub`), 256
/// centroids each.
struct Quantizer {
    dim: usize,
    nsubq: usize,
    dsub: usize,
    lastdsub: usize,
    centroids: Vec<f32>,
}

impl Quantizer {
    fn centroid(&self, m: usize, code: u8) -> &[f32] {
        let i = code as usize;
        if m == self.nsubq - 1 {
            let at = m * KSUB * self.dsub + i * self.lastdsub;
            &self.centroids[at..at + self.lastdsub]
        } else {
            let at = (m * KSUB + i) * self.dsub;
            &self.centroids[at..at + self.dsub]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_folds_bytes_sign_extended_as_fasttext_does() {
        // FNV-1a of ASCII is the textbook value; a byte ≥ 0x80 is folded in as 0xFFFFFFxx.
        assert_eq!(fnv(b"a"), 0xe40c292c);
        assert_eq!(
            fnv_byte(FNV_OFFSET, 0xC3),
            (FNV_OFFSET ^ 0xFFFF_FFC3).wrapping_mul(16_777_619)
        );
    }

    #[test]
    fn huffman_tree_joins_the_two_smallest() {
        // counts 5, 3, 1: first join 1 and 3 (node 3), then node 3 (4) and 5 (node 4).
        assert_eq!(build_tree(&[5, 3, 1]), vec![(2, 1), (3, 0)]);
    }

    #[test]
    fn truncated_or_foreign_files_are_refused() {
        assert!(Model::parse(b"").is_err());
        assert!(Model::parse(&[0u8; 64]).err().unwrap().contains("magic"));
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/lid.176.ftz");
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("skipped: models/lid.176.ftz absent (bash scripts/fetch-models.sh)");
            return;
        };
        for cut in [100, 50_000, bytes.len() - 1] {
            assert!(Model::parse(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert!(Model::parse(&bytes).is_ok());
    }
}
