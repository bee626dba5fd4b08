/* An independent C implementation of TFLite Micro's quantization arithmetic, written from the formulas of
 * ../shared/docs/reference/tinyml.md (sections 1.2-1.5), for ExportTests to compare the Swift port with.
 * It reads one request per line on stdin and prints one answer per line; floats travel as their IEEE-754
 * bit patterns in hex, so nothing is lost in formatting.
 *
 *   qm DOUBLEBITS                      -> M shift                 QuantizeMultiplier (frexp, std::round)
 *   mbqm X M SHIFT                     -> result                  double rounding (SRDHM then RDBP)
 *   single X M SHIFT                   -> result                  TFLITE_SINGLE_ROUNDING
 *   asym MINBITS MAXBITS               -> SCALEBITS ZP            GetAsymmetricQuantizationParams
 *   quant XBITS SCALEBITS ZP           -> q                       reference QUANTIZE
 *   chan SINBITS SWBITS SOUTBITS       -> M shift                 per-channel multiplier (double product)
 *   tensor SINBITS SWBITS SOUTBITS     -> M shift                 per-tensor multiplier (float product)
 *   bias BBITS SINBITS SWBITS          -> q                       SymmetricPerChannelBiasQuantize
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static float bits_to_float(uint32_t bits) { float f; memcpy(&f, &bits, 4); return f; }
static uint32_t float_to_bits(float f) { uint32_t bits; memcpy(&bits, &f, 4); return bits; }
static double bits_to_double(uint64_t bits) { double d; memcpy(&d, &bits, 8); return d; }

static void quantize_multiplier(double m, int32_t *multiplier, int *shift)
{
    if (m == 0.0) { *multiplier = 0; *shift = 0; return; }
    const double q = frexp(m, shift);
    int64_t q_fixed = (int64_t)round(q * (double)(1LL << 31));
    if (q_fixed == (1LL << 31)) { q_fixed /= 2; ++*shift; }
    if (*shift < -31) { *shift = 0; q_fixed = 0; }
    *multiplier = (int32_t)q_fixed;
}

static int32_t srdhm(int32_t a, int32_t b)
{
    int overflow = a == b && a == INT32_MIN;
    int64_t ab = (int64_t)a * (int64_t)b;
    int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    int32_t high = (int32_t)((ab + nudge) / (1LL << 31));
    return overflow ? INT32_MAX : high;
}

static int32_t rdbp(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)((1LL << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

static int32_t mbqm(int32_t x, int32_t m, int shift)
{
    int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    return rdbp(srdhm((int32_t)((uint32_t)x << left), m), right);
}

static int32_t mbqm_single(int32_t x, int32_t m, int shift)
{
    int64_t total = 31 - shift;
    int64_t round_bit = (int64_t)1 << (total - 1);
    return (int32_t)(((int64_t)x * m + round_bit) >> total);
}

int main(void)
{
    char op[16];
    while (scanf("%15s", op) == 1) {
        if (!strcmp(op, "qm")) {
            uint64_t bits; int32_t m; int shift;
            if (scanf("%" SCNx64, &bits) != 1) return 1;
            quantize_multiplier(bits_to_double(bits), &m, &shift);
            printf("%" PRId32 " %d\n", m, shift);
        } else if (!strcmp(op, "mbqm") || !strcmp(op, "single")) {
            int32_t x, m; int shift;
            if (scanf("%" SCNd32 " %" SCNd32 " %d", &x, &m, &shift) != 3) return 1;
            printf("%" PRId32 "\n", op[0] == 'm' ? mbqm(x, m, shift) : mbqm_single(x, m, shift));
        } else if (!strcmp(op, "asym")) {
            uint32_t a, b;
            if (scanf("%" SCNx32 " %" SCNx32, &a, &b) != 2) return 1;
            float min = fminf(bits_to_float(a), 0.0f), max = fmaxf(bits_to_float(b), 0.0f);
            float scale = (max - min) / (127.0f - -128.0f);
            float zp_from_min = -128.0f;
            if (scale != 0) zp_from_min = -128.0f - min / scale;
            long zp = zp_from_min < -128.0f ? -128 : zp_from_min > 127.0f ? 127 : (long)roundf(zp_from_min);
            printf("%" PRIx32 " %ld\n", float_to_bits(scale), zp);
        } else if (!strcmp(op, "quant")) {
            uint32_t x, s; int zp;
            if (scanf("%" SCNx32 " %" SCNx32 " %d", &x, &s, &zp) != 3) return 1;
            float r = roundf(bits_to_float(x) / bits_to_float(s));
            long q = (long)fmaxf(fminf(r, 1e6f), -1e6f) + zp;
            printf("%ld\n", q < -128 ? -128 : q > 127 ? 127 : q);
        } else if (!strcmp(op, "chan") || !strcmp(op, "tensor")) {
            uint32_t a, b, c; int32_t m; int shift;
            if (scanf("%" SCNx32 " %" SCNx32 " %" SCNx32, &a, &b, &c) != 3) return 1;
            float s_in = bits_to_float(a), s_w = bits_to_float(b), s_out = bits_to_float(c);
            double real = op[0] == 'c' ? (double)s_in * (double)s_w / (double)s_out
                                       : (double)(float)(s_in * s_w) / (double)s_out;
            quantize_multiplier(real, &m, &shift);
            printf("%" PRId32 " %d\n", m, shift);
        } else if (!strcmp(op, "bias")) {
            uint32_t a, b, c;
            if (scanf("%" SCNx32 " %" SCNx32 " %" SCNx32, &a, &b, &c) != 3) return 1;
            float scale = bits_to_float(b) * bits_to_float(c);
            float inverse = scale == 0 ? 0 : 1.0 / scale;
            float r = roundf(bits_to_float(a) * inverse);
            int64_t q = r >= 2147483647.0f ? INT32_MAX : r <= -2147483648.0f ? INT32_MIN : (int64_t)r;
            if (q < -INT32_MAX) q = -INT32_MAX;
            printf("%" PRId64 "\n", q);
        } else {
            return 1;
        }
    }
    return 0;
}
