/* Compiled kernels of storyline.reuse: word hashes, word shingles and MinHash signatures.
 *
 * Each function gives bit-identical results to the numpy + rensa path it replaces
 * (storyline.reuse.tokens._tokenise_numpy, dedup._shingles_numpy, rensa 0.5's
 * RMinHash.digest_matrix_from_flat_token_hashes); tests/reuse/test_native.py checks that.
 * They read Python str objects directly (no UTF-8 copy) and fill caller-owned numpy buffers
 * with the GIL released, so threads run batches in parallel.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HASH_P 0x100000001B3ULL /* prefix hash multiplier (tokens._P) */
#define GOLDEN 0x9E3779B97F4A7C15ULL
#define NPOW 64
#define NFAST 1024 /* longest word (bytes) of the branch-free tokeniser */

/* rensa 0.5 bucket sketch constants (src/rminhash/bucket.rs) */
#define RANK_BITS 2
#define FRACTION_BITS 30
#define BUCKET_ROUNDS 3
#define FALLBACK (3U << FRACTION_BITS)
#define BUCKET_DOMAIN 0x6a09e667f3bcc909ULL
#define ROUND_DOMAIN 0x3c6ef372fe94f82bULL
#define FALLBACK_DOMAIN 0xbb67ae8584caa73bULL

static uint64_t POW[NFAST + 1];   /* HASH_P ** j */
static uint8_t WORD1[256];        /* code points < 256: 1 if part of a word */
static uint16_t LOWER1[256];      /* code points < 256: normalised code point */
static uint64_t VALUE1[256], NBYTES[256]; /* their normalised UTF-8 bytes (char_info) */

static inline uint64_t mix64(uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static inline uint64_t splitmix64(uint64_t x) { return mix64(x + GOLDEN); }

static void init_tables(void) {
    POW[0] = 1;
    for (int j = 1; j <= NFAST; j++) POW[j] = POW[j - 1] * HASH_P;
    for (int c = 0; c < 256; c++) {
        int word, low = c;
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z') low = c + 32;
            word = (low >= 'a' && low <= 'z') || (c >= '0' && c <= '9');
        } else {
            if (c >= 0xC0 && c <= 0xDE && c != 0xD7) low = c + 0x20;
            word = !((c >= 0xA0 && c <= 0xBF) || c == 0xD7 || c == 0xF7);
        }
        WORD1[c] = (uint8_t)word;
        LOWER1[c] = (uint16_t)low;
        if (c == 0xDF) { /* sharp s is read as "ss" */
            VALUE1[c] = 's' + 's' * HASH_P;
            NBYTES[c] = 2;
        } else if (low < 0x80) {
            VALUE1[c] = (uint64_t)low;
            NBYTES[c] = 1;
        } else {
            VALUE1[c] = (0xC0 | ((unsigned)low >> 6)) + (0x80 | ((unsigned)low & 0x3F)) * HASH_P;
            NBYTES[c] = 2;
        }
    }
}

/* ---- word hashing ------------------------------------------------------------------- */

typedef struct {
    uint64_t raw; /* sum of byte * P**j over the word's normalised UTF-8 bytes */
    uint64_t pw;  /* P**nb once nb >= NPOW */
    uint64_t nb;  /* bytes so far */
} WordHash;

static inline void add_byte(WordHash *w, uint64_t b) {
    if (w->nb < NPOW) {
        w->raw += b * POW[w->nb];
    } else {
        if (w->nb == NPOW) w->pw = POW[NPOW];
        w->raw += b * w->pw;
        w->pw *= HASH_P;
    }
    w->nb++;
}

static inline int is_word(Py_UCS4 c) {
    if (c < 256) return WORD1[c];
    return !(c >= 0x2000 && c <= 0x207F);
}

static inline void add_char(WordHash *w, Py_UCS4 c) {
    if (c < 0x80) {
        add_byte(w, LOWER1[c]);
    } else if (c < 0x800) {
        if (c == 0xDF) { /* sharp s is read as "ss" */
            add_byte(w, 's');
            add_byte(w, 's');
            return;
        }
        if (c < 256) c = LOWER1[c];
        add_byte(w, 0xC0 | (c >> 6));
        add_byte(w, 0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        add_byte(w, 0xE0 | (c >> 12));
        add_byte(w, 0x80 | ((c >> 6) & 0x3F));
        add_byte(w, 0x80 | (c & 0x3F));
    } else {
        add_byte(w, 0xF0 | (c >> 18));
        add_byte(w, 0x80 | ((c >> 12) & 0x3F));
        add_byte(w, 0x80 | ((c >> 6) & 0x3F));
        add_byte(w, 0x80 | (c & 0x3F));
    }
}

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Text;

/* Words of one text: hashes (and character offsets when starts != NULL); returns count. */
static inline Py_ssize_t words_of_kind(const Text *t, const int kind, uint64_t *hashes,
                                       int32_t *starts, int32_t *ends) {
    const Py_ssize_t len = t->len;
    Py_ssize_t i = 0, n = 0;
    while (i < len) {
        while (i < len && !is_word(PyUnicode_READ(kind, t->data, i))) i++;
        if (i >= len) break;
        Py_ssize_t start = i;
        WordHash w = {0, 0, 0};
        for (; i < len; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, t->data, i);
            if (!is_word(c)) break;
            add_char(&w, c);
        }
        hashes[n] = mix64(w.raw + w.nb * GOLDEN);
        if (starts) {
            starts[n] = (int32_t)start;
            ends[n] = (int32_t)i;
        }
        n++;
    }
    return n;
}

/* Polynomial value, UTF-8 length and word flag of one (normalised) character. */
typedef struct {
    uint64_t value; /* sum of byte_j * P**j over its bytes */
    uint64_t nbytes;
    uint64_t word;
} CharInfo;

static inline CharInfo char_info(Py_UCS4 c) {
    CharInfo r;
    if (c < 256) {
        r.value = VALUE1[c];
        r.nbytes = NBYTES[c];
        r.word = WORD1[c];
        return r;
    }
    r.word = !(c >= 0x2000 && c <= 0x207F);
    if (c < 0x800) {
        r.value = (0xC0 | (c >> 6)) + (uint64_t)(0x80 | (c & 0x3F)) * POW[1];
        r.nbytes = 2;
    } else if (c < 0x10000) {
        r.value = (0xE0 | (c >> 12)) + (uint64_t)(0x80 | ((c >> 6) & 0x3F)) * POW[1] +
                  (uint64_t)(0x80 | (c & 0x3F)) * POW[2];
        r.nbytes = 3;
    } else {
        r.value = (0xF0 | (c >> 18)) + (uint64_t)(0x80 | ((c >> 12) & 0x3F)) * POW[1] +
                  (uint64_t)(0x80 | ((c >> 6) & 0x3F)) * POW[2] +
                  (uint64_t)(0x80 | (c & 0x3F)) * POW[3];
        r.nbytes = 4;
    }
    return r;
}

/* Branch-free version of words_of_kind: word ends are data, not branches. Every character
 * stores the current word's state at hashes[n] (n advances only where a word ends), so the
 * buffers need one spare item. Returns -1 when a word reached NFAST bytes (the caller then
 * uses words_of_kind). */
static inline Py_ssize_t fast_words_of_kind(const Text *t, const int kind, uint64_t *hashes,
                                            int32_t *starts, int32_t *ends) {
    const Py_ssize_t len = t->len;
    Py_ssize_t n = 0;
    uint64_t raw = 0, nb = 0, nc = 0, prev = 0, overflow = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        const CharInfo ci = char_info(PyUnicode_READ(kind, t->data, i));
        hashes[n] = raw + nb * GOLDEN;
        if (starts) {
            starts[n] = (int32_t)(i - (Py_ssize_t)nc);
            ends[n] = (int32_t)i;
        }
        n += (Py_ssize_t)(prev & (ci.word ^ 1));
        const uint64_t keep = 0 - ci.word;
        overflow |= (uint64_t)(nb >= NFAST) & ci.word;
        raw = (raw + ci.value * POW[nb < NFAST ? nb : NFAST]) & keep;
        nb = (nb + ci.nbytes) & keep;
        nc = (nc + 1) & keep;
        prev = ci.word;
    }
    hashes[n] = raw + nb * GOLDEN;
    if (starts) {
        starts[n] = (int32_t)(len - (Py_ssize_t)nc);
        ends[n] = (int32_t)len;
    }
    n += (Py_ssize_t)prev;
    if (overflow) return -1;
    for (Py_ssize_t k = 0; k < n; k++) hashes[k] = mix64(hashes[k]);
    return n;
}

static Py_ssize_t fast_words(const Text *t, uint64_t *hashes, int32_t *starts, int32_t *ends) {
    switch (t->kind) {
    case PyUnicode_1BYTE_KIND:
        return fast_words_of_kind(t, PyUnicode_1BYTE_KIND, hashes, starts, ends);
    case PyUnicode_2BYTE_KIND:
        return fast_words_of_kind(t, PyUnicode_2BYTE_KIND, hashes, starts, ends);
    default:
        return fast_words_of_kind(t, PyUnicode_4BYTE_KIND, hashes, starts, ends);
    }
}

static Py_ssize_t words(const Text *t, uint64_t *hashes, int32_t *starts, int32_t *ends) {
    Py_ssize_t n = fast_words(t, hashes, starts, ends);
    if (n >= 0) return n;
    switch (t->kind) {
    case PyUnicode_1BYTE_KIND:
        return words_of_kind(t, PyUnicode_1BYTE_KIND, hashes, starts, ends);
    case PyUnicode_2BYTE_KIND:
        return words_of_kind(t, PyUnicode_2BYTE_KIND, hashes, starts, ends);
    default:
        return words_of_kind(t, PyUnicode_4BYTE_KIND, hashes, starts, ends);
    }
}

/* ---- shingles ----------------------------------------------------------------------- */

static inline uint64_t shingle_mult(int t) { return GOLDEN * (uint64_t)(2 * t + 1); }

/* Shingle hashes of one text's words (dedup.shingles); returns the number written. */
static Py_ssize_t shingles_of(const uint64_t *h, Py_ssize_t count, int k, uint64_t *out) {
    if (count <= 0) return 0;
    uint64_t mult[64];
    int kk = k < 64 ? k : 64;
    for (int t = 0; t < kk; t++) mult[t] = shingle_mult(t);
    if (count < k) {
        uint64_t acc = 0;
        for (Py_ssize_t t = 0; t < count; t++) acc += h[t] * (t < 64 ? mult[t] : shingle_mult(t));
        out[0] = mix64(acc);
        return 1;
    }
    Py_ssize_t n = count - k + 1;
    if (k == 4) {
        for (Py_ssize_t i = 0; i < n; i++)
            out[i] = mix64(h[i] * mult[0] + h[i + 1] * mult[1] + h[i + 2] * mult[2] +
                           h[i + 3] * mult[3]);
        return n;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t acc = 0;
        for (int t = 0; t < k; t++) acc += h[i + t] * (t < 64 ? mult[t] : shingle_mult(t));
        out[i] = mix64(acc);
    }
    return n;
}

/* ---- rensa-compatible MinHash sketch ------------------------------------------------ */

typedef struct {
    Py_ssize_t num_perm;
    uint64_t *a, *b;
    uint64_t stage[BUCKET_ROUNDS];
    uint64_t fallback_seed;
    uint32_t threshold, shift;
    int pow2;
} Perms;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* rand_xoshiro 0.7 Xoshiro256PlusPlus::seed_from_u64 + next_u64, as rensa builds them. */
static int perms_init(Perms *p, Py_ssize_t num_perm, uint64_t seed) {
    uint64_t s[4], st = seed;
    for (int i = 0; i < 4; i++) {
        st += GOLDEN;
        s[i] = mix64(st);
    }
    p->num_perm = num_perm;
    p->a = malloc(sizeof(uint64_t) * (size_t)num_perm * 2);
    if (!p->a) return -1;
    p->b = p->a + num_perm;
    for (Py_ssize_t i = 0; i < 2 * num_perm; i++) {
        uint64_t r = rotl(s[0] + s[3], 23) + s[0];
        uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        if (i % 2 == 0) p->a[i / 2] = r | 1;
        else p->b[i / 2] = r;
    }
    for (int r = 0; r < BUCKET_ROUNDS; r++)
        p->stage[r] = p->b[0] ^ BUCKET_DOMAIN ^ ((uint64_t)r * ROUND_DOMAIN);
    p->fallback_seed = p->a[0] ^ FALLBACK_DOMAIN;
    uint32_t count = (uint32_t)num_perm;
    p->pow2 = (count & (count - 1)) == 0;
    p->shift = 0;
    while (p->pow2 && (1U << p->shift) < count) p->shift++;
    p->shift = 32 - p->shift;
    p->threshold = (uint32_t)((1ULL << 32) % count);
    return 0;
}

static inline Py_ssize_t bucket_of(const Perms *p, uint64_t mixed) {
    if (p->pow2) return (Py_ssize_t)((mixed & 0xFFFFFFFFULL) >> p->shift);
    for (;;) {
        uint64_t product = (mixed & 0xFFFFFFFFULL) * (uint64_t)p->num_perm;
        if ((uint32_t)product >= p->threshold) return (Py_ssize_t)(product >> 32);
        mixed = splitmix64(mixed);
    }
}

/* Coordinates no bucket round reached: minimum of the full affine permutation. */
static void sketch_fallback(const Perms *p, const uint64_t *h, Py_ssize_t n, uint32_t *row,
                            uint64_t *scratch) {
    for (Py_ssize_t j = 0; j < n; j++) scratch[j] = splitmix64(h[j] ^ p->fallback_seed);
    for (Py_ssize_t i = 0; i < p->num_perm; i++) {
        if (row[i] < FALLBACK) continue;
        const uint64_t a = p->a[i], b = p->b[i];
        uint32_t best = row[i];
        for (Py_ssize_t j = 0; j < n; j++) {
            uint32_t v = FALLBACK | (uint32_t)((a * scratch[j] + b) >> (32 + RANK_BITS));
            best = v < best ? v : best;
        }
        row[i] = best;
    }
}

/* One signature row from shingle hashes; scratch holds n values. */
static void sketch(const Perms *p, const uint64_t *h, Py_ssize_t n, uint32_t *row,
                   uint64_t *scratch) {
    for (Py_ssize_t i = 0; i < p->num_perm; i++) row[i] = 0xFFFFFFFFU;
    if (n == 0) return;
    for (int r = 0; r < BUCKET_ROUNDS; r++) {
        const uint64_t seed = p->stage[r];
        const uint32_t prefix = (uint32_t)r << FRACTION_BITS;
        for (Py_ssize_t j = 0; j < n; j++) {
            uint64_t mixed = splitmix64(h[j] ^ seed);
            Py_ssize_t at = bucket_of(p, mixed);
            uint32_t rank = prefix | (uint32_t)(mixed >> (32 + RANK_BITS));
            row[at] = rank < row[at] ? rank : row[at];
        }
        uint32_t worst = 0;
        for (Py_ssize_t i = 0; i < p->num_perm; i++) worst = row[i] > worst ? row[i] : worst;
        if (worst < ((uint32_t)(r + 1) << FRACTION_BITS)) return;
    }
    sketch_fallback(p, h, n, row, scratch);
}

/* ---- argument helpers --------------------------------------------------------------- */

/* Borrow the str items of a list as Text records; the list keeps them alive. */
static Text *collect_texts(PyObject *list, Py_ssize_t *n_out) {
    if (!PyList_Check(list)) {
        PyErr_Format(PyExc_TypeError, "texts must be a list of str, not %.100s",
                     Py_TYPE(list)->tp_name);
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(list);
    Text *texts = PyMem_Malloc(sizeof(Text) * (size_t)(n ? n : 1));
    if (!texts) return (Text *)PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyList_GET_ITEM(list, i);
        if (!PyUnicode_Check(s)) {
            PyErr_Format(PyExc_TypeError, "text %zd is %.100s, not str; pass article texts",
                         i, Py_TYPE(s)->tp_name);
            PyMem_Free(texts);
            return NULL;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(s) < 0) {
            PyMem_Free(texts);
            return NULL;
        }
#endif
        texts[i].kind = PyUnicode_KIND(s);
        texts[i].data = PyUnicode_DATA(s);
        texts[i].len = PyUnicode_GET_LENGTH(s);
    }
    *n_out = n;
    return texts;
}

static int need(Py_buffer *b, Py_ssize_t items, Py_ssize_t size, const char *name) {
    if (b->len < items * size) {
        PyErr_Format(PyExc_ValueError, "buffer %s holds %zd bytes, %zd needed", name, b->len,
                     items * size);
        return -1;
    }
    return 0;
}

/* ---- Python functions --------------------------------------------------------------- */

PyDoc_STRVAR(capacity_doc, "word_capacity(texts) -> int\n\n"
                           "Upper bound of the number of words in texts (list of str).");

static PyObject *word_capacity(PyObject *self, PyObject *list) {
    Py_ssize_t n;
    Text *texts = collect_texts(list, &n);
    if (!texts) return NULL;
    Py_ssize_t cap = 1; /* one spare item for the branch-free tokeniser */
    for (Py_ssize_t i = 0; i < n; i++) cap += (texts[i].len + 1) / 2;
    PyMem_Free(texts);
    return PyLong_FromSsize_t(cap);
}

PyDoc_STRVAR(tokenise_doc,
             "tokenise(texts, hashes, offsets, starts=None, ends=None) -> int\n\n"
             "Word hashes (uint64) of texts into hashes, per-text word offsets (int64,\n"
             "len(texts) + 1) into offsets and, when given, character offsets (int32) of\n"
             "each word into starts/ends. Buffers need word_capacity(texts) items.\n"
             "Returns the number of words.");

static PyObject *tokenise(PyObject *self, PyObject *args) {
    PyObject *list, *st_obj = Py_None, *en_obj = Py_None;
    Py_buffer hb, ob, sb = {0}, eb = {0};
    if (!PyArg_ParseTuple(args, "Ow*w*|OO", &list, &hb, &ob, &st_obj, &en_obj)) return NULL;
    PyObject *result = NULL;
    int pos = st_obj != Py_None;
    Py_ssize_t n, cap = 1, total = 0;
    Text *texts = collect_texts(list, &n);
    if (!texts) goto done;
    for (Py_ssize_t i = 0; i < n; i++) cap += (texts[i].len + 1) / 2;
    if (need(&hb, cap, 8, "hashes") < 0 || need(&ob, n + 1, 8, "offsets") < 0) goto done;
    if (pos) {
        if (PyObject_GetBuffer(st_obj, &sb, PyBUF_WRITABLE) < 0) goto done;
        if (PyObject_GetBuffer(en_obj, &eb, PyBUF_WRITABLE) < 0) goto done;
        if (need(&sb, cap, 4, "starts") < 0 || need(&eb, cap, 4, "ends") < 0) goto done;
    }
    uint64_t *hashes = hb.buf;
    int64_t *offsets = ob.buf;
    int32_t *starts = pos ? sb.buf : NULL, *ends = pos ? eb.buf : NULL;
    Py_BEGIN_ALLOW_THREADS
    offsets[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        total += words(&texts[i], hashes + total, starts ? starts + total : NULL,
                       ends ? ends + total : NULL);
        offsets[i + 1] = total;
    }
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(total);
done:
    if (texts) PyMem_Free(texts);
    PyBuffer_Release(&hb);
    PyBuffer_Release(&ob);
    if (sb.obj) PyBuffer_Release(&sb);
    if (eb.obj) PyBuffer_Release(&eb);
    return result;
}

static int check_offsets(const int64_t *off, Py_ssize_t rows, Py_ssize_t items) {
    if (off[0] != 0 || off[rows] > items) goto bad;
    for (Py_ssize_t d = 0; d < rows; d++)
        if (off[d] > off[d + 1]) goto bad;
    return 0;
bad:
    PyErr_SetString(PyExc_ValueError,
                    "offsets must start at 0, never decrease and stay within the hashes");
    return -1;
}

PyDoc_STRVAR(shingles_doc,
             "shingles(hashes, offsets, k, out, out_offsets) -> int\n\n"
             "Hashes of every run of k words per text (one shingle for shorter, non-empty\n"
             "texts) as dedup.shingles; out needs len(hashes) items, out_offsets\n"
             "len(offsets). Returns the number of shingles.");

static PyObject *shingles(PyObject *self, PyObject *args) {
    Py_buffer hb, ob, sb, so;
    int k;
    if (!PyArg_ParseTuple(args, "y*y*iw*w*", &hb, &ob, &k, &sb, &so)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t items = hb.len / 8, rows = ob.len / 8 - 1, total = 0;
    if (k < 1 || rows < 0) {
        PyErr_SetString(PyExc_ValueError, "k must be positive and offsets non-empty");
        goto done;
    }
    if (need(&sb, items, 8, "out") < 0 || need(&so, rows + 1, 8, "out_offsets") < 0) goto done;
    const uint64_t *h = hb.buf;
    const int64_t *off = ob.buf;
    uint64_t *out = sb.buf;
    int64_t *out_off = so.buf;
    if (check_offsets(off, rows, items) < 0) goto done;
    Py_BEGIN_ALLOW_THREADS
    out_off[0] = 0;
    for (Py_ssize_t d = 0; d < rows; d++) {
        total += shingles_of(h + off[d], off[d + 1] - off[d], k, out + total);
        out_off[d + 1] = total;
    }
    Py_END_ALLOW_THREADS
    result = PyLong_FromSsize_t(total);
done:
    PyBuffer_Release(&hb);
    PyBuffer_Release(&ob);
    PyBuffer_Release(&sb);
    PyBuffer_Release(&so);
    return result;
}

PyDoc_STRVAR(minhash_doc,
             "minhash(hashes, offsets, num_perm, seed, out) -> None\n\n"
             "MinHash signatures (rows of num_perm uint32 into out) of the hash sets\n"
             "hashes[offsets[d]:offsets[d+1]], identical to rensa 0.5's\n"
             "RMinHash.digest_matrix_from_flat_token_hashes.");

static PyObject *minhash(PyObject *self, PyObject *args) {
    Py_buffer hb, ob, sb;
    Py_ssize_t num_perm;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "y*y*nKw*", &hb, &ob, &num_perm, &seed, &sb)) return NULL;
    PyObject *result = NULL;
    Perms p = {0};
    uint64_t *scratch = NULL;
    Py_ssize_t items = hb.len / 8, rows = ob.len / 8 - 1, longest = 1;
    if (num_perm < 1 || num_perm > 0xFFFFFFFFLL || rows < 0) {
        PyErr_SetString(PyExc_ValueError, "num_perm must be positive and offsets non-empty");
        goto done;
    }
    if (need(&sb, rows * num_perm, 4, "out") < 0) goto done;
    const uint64_t *h = hb.buf;
    const int64_t *off = ob.buf;
    uint32_t *out = sb.buf;
    if (check_offsets(off, rows, items) < 0) goto done;
    for (Py_ssize_t d = 0; d < rows; d++)
        longest = off[d + 1] - off[d] > longest ? off[d + 1] - off[d] : longest;
    scratch = malloc(sizeof(uint64_t) * (size_t)longest);
    if (!scratch || perms_init(&p, num_perm, (uint64_t)seed) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t d = 0; d < rows; d++)
        sketch(&p, h + off[d], off[d + 1] - off[d], out + d * num_perm, scratch);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    free(scratch);
    free(p.a);
    PyBuffer_Release(&hb);
    PyBuffer_Release(&ob);
    PyBuffer_Release(&sb);
    return result;
}

static PyMethodDef methods[] = {
    {"word_capacity", word_capacity, METH_O, capacity_doc},
    {"tokenise", tokenise, METH_VARARGS, tokenise_doc},
    {"shingles", shingles, METH_VARARGS, shingles_doc},
    {"minhash", minhash, METH_VARARGS, minhash_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_signatures",
    "Compiled word hashing, shingling and MinHash for storyline.reuse.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__signatures(void) {
    init_tables();
    return PyModule_Create(&module);
}
