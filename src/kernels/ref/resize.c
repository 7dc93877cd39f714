#include "kernels/ref/resize.h"

#include <math.h>

/* Coordinate modes, as in ir/ops/op_ext.h. */
enum {
  HALF_PIXEL,
  HALF_PIXEL_SYMMETRIC,
  PYTORCH_HALF_PIXEL,
  ALIGN_CORNERS,
  ASYMMETRIC,
  TF_HALF_PIXEL_FOR_NN,
  TF_CROP
};

size_t oar_ref_resize_scratch_taps(const oar_resize_params *p) {
  size_t n = 0;
  for (int d = 0; d < p->rank; d++) n += (size_t)p->out[d];
  return n;
}

/* Source coordinate of output index o along dim d; *outside for
 * tf_crop_and_resize coordinates beyond the input. */
static double source_coord(const oar_resize_params *p, int d, int64_t o, bool *outside) {
  const double in = (double)p->in[d], scale = p->scale[d], out_w = scale * in, x = (double)o;
  *outside = false;
  switch (p->coord) {
    case HALF_PIXEL: return (x + 0.5) / scale - 0.5;
    case HALF_PIXEL_SYMMETRIC: {
      const double adj = (double)p->out[d] / out_w, center = in / 2;
      return center * (1 - adj) + (x + 0.5) / scale - 0.5;
    }
    case PYTORCH_HALF_PIXEL: return out_w == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    case ALIGN_CORNERS: return out_w == 1 ? 0.0 : x * (in - 1) / (out_w - 1);
    case ASYMMETRIC: return x / scale;
    case TF_HALF_PIXEL_FOR_NN: return (x + 0.5) / scale;
    default: {
      const double span = p->roi_end[d] - p->roi_start[d];
      double v = out_w == 1 ? span * (in - 1) / 2 : x * span * (in - 1) / (out_w - 1);
      v += p->roi_start[d] * (in - 1);
      *outside = v < 0 || v > in - 1;
      return v;
    }
  }
}

static void cubic_coeffs(double r, double a, double *c) {
  c[0] = ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a;
  c[1] = ((a + 2) * r - (a + 3)) * r * r + 1;
  c[2] = ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1;
  c[3] = ((a * ((1 - r) + 1) - 5 * a) * ((1 - r) + 1) + 8 * a) * ((1 - r) + 1) - 4 * a;
}

int oar_ref_resize_taps(const oar_resize_params *p, int d, int64_t o, int64_t *idx, double *w,
                        bool *outside) {
  const double xo = source_coord(p, d, o, outside);
  const int64_t n = p->in[d];
  double fl = floor(xo);
  int64_t x0;
  double r;
  if (xo == fl) {
    x0 = (int64_t)fl - 1;
    r = 1.0;
  } else {
    x0 = (int64_t)fl;
    r = xo - fl;
  }
  int64_t cand[4];
  double cw[4];
  int k = 0;
  if (p->mode == 2) {
    cubic_coeffs(r, p->cubic_a, cw);
    for (int i = 0; i < 4; i++) cand[i] = x0 - 1 + i;
    k = 4;
  } else {
    cand[0] = x0;
    cand[1] = x0 + 1;
    if (p->mode == 1) {
      cw[0] = 1 - r;
      cw[1] = r;
    } else if (r == 1.0) {
      cw[0] = 0;
      cw[1] = 1;
    } else {
      bool up;
      switch (p->nearest_mode) {
        case 0: up = r > 0.5; break;
        case 1: up = r >= 0.5; break;
        case 2: up = false; break;
        default: up = true; break;
      }
      cw[0] = !up;
      cw[1] = up;
    }
    k = 2;
  }
  if (p->exclude_outside) {
    /* Every tap outside (a nearest tap past the edge) keeps its weights:
     * no taps at all would leave the output undefined. */
    double sum = 0;
    for (int i = 0; i < k; i++)
      if (cand[i] >= 0 && cand[i] < n) sum += cw[i];
    if (sum != 0)
      for (int i = 0; i < k; i++) cw[i] = cand[i] < 0 || cand[i] >= n ? 0 : cw[i] / sum;
  }
  int m = 0;
  for (int i = 0; i < k; i++) {
    if (cw[i] == 0) continue;
    idx[m] = cand[i] < 0 ? 0 : cand[i] >= n ? n - 1 : cand[i];
    w[m++] = cw[i];
  }
  return m;
}

void oar_ref_resize_f32(const oar_resize_params *p, const float *x, float *y, int64_t *tap_index,
                        double *tap_weight, unsigned char *tap_count, unsigned char *outside) {
  const int r = p->rank;
  int64_t base[OAR_MAX_RANK], in_stride[OAR_MAX_RANK], total = 1;
  size_t at = 0;
  for (int d = 0; d < r; d++) {
    base[d] = (int64_t)at;
    for (int64_t o = 0; o < p->out[d]; o++) {
      bool out_of_range;
      tap_count[at] =
          (unsigned char)oar_ref_resize_taps(p, d, o, tap_index + at * 4, tap_weight + at * 4, &out_of_range);
      outside[at] = out_of_range;
      at++;
    }
    total *= p->out[d];
  }
  int64_t s = 1;
  for (int d = r - 1; d >= 0; d--) {
    in_stride[d] = s;
    s *= p->in[d];
  }
  if (total == 0) return;
  int64_t o[OAR_MAX_RANK] = {0};
  for (int64_t e = 0; e < total; e++) {
    bool out_of_range = false;
    for (int d = 0; d < r; d++) out_of_range |= outside[base[d] + o[d]] != 0;
    if (out_of_range) {
      y[e] = (float)p->extrapolation;
    } else {
      double acc = 0;
      int t[OAR_MAX_RANK] = {0};
      for (;;) {
        double w = 1;
        int64_t off = 0;
        for (int d = 0; d < r; d++) {
          const int64_t slot = (base[d] + o[d]) * 4 + t[d];
          w *= tap_weight[slot];
          off += tap_index[slot] * in_stride[d];
        }
        acc += w * x[off];
        int d = r - 1;
        for (; d >= 0; d--) {
          if (++t[d] < tap_count[base[d] + o[d]]) break;
          t[d] = 0;
        }
        if (d < 0) break;
      }
      y[e] = (float)acc;
    }
    for (int d = r - 1; d >= 0; d--) {
      if (++o[d] < p->out[d]) break;
      o[d] = 0;
    }
  }
}
