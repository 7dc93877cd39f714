"""Small bugs the test suite must catch, planted one at a time by
scripts/mutation_check.py.

Each mutant replaces `old` (which must occur exactly once in `file`) with
`new`. The first five are the bugs an audit planted that the suite missed
(issue 19); the next four it did catch (kept so it keeps catching them); the
rest spread over frontends, passes, kernels, planner, runtime and API. A
mutant must still compile: it stands for a plausible slip, not a syntax
error. Add one whenever a bug slips past the suite, with the layer it hits.
"""

MUTANTS = [
    # ---- missed by the suite before issue 19 ------------------------------
    dict(name="fuse_fc swaps fuse_alpha and fuse_beta", layer="passes",
         file="src/passes/fuse_fc.c",
         old="oar_attr a_alpha = {.type = OAR_ATTR_FLOAT, .f = alpha}, a_beta = {.type = OAR_ATTR_FLOAT, .f = beta};",
         new="oar_attr a_alpha = {.type = OAR_ATTR_FLOAT, .f = beta}, a_beta = {.type = OAR_ATTR_FLOAT, .f = alpha};"),
    dict(name="elementwise fast path treats Sub as commutative", layer="runtime",
         file="src/runtime/ops/elementwise.c",
         old="op == OAR_BINARY_ADD || op == OAR_BINARY_MUL || op == OAR_BINARY_MAX || op == OAR_BINARY_MIN;",
         new="op == OAR_BINARY_ADD || op == OAR_BINARY_MUL || op == OAR_BINARY_MAX || op == OAR_BINARY_MIN ||\n"
             "      op == OAR_BINARY_SUB;"),
    dict(name="Trilu off by one on the diagonal", layer="kernels/ref",
         file="src/kernels/ref/layout.c",
         old="const bool keep = upper ? j - i >= k : j - i <= k;",
         new="const bool keep = upper ? j - i > k : j - i <= k;"),
    dict(name="Resize removed from the ONNX op table", layer="frontend/onnx",
         file="src/frontend/onnx/onnx_op_table.c",
         old='    {"Resize", onnx_convert_resize},\n',
         new=""),
    dict(name="abort() inside Trilu", layer="kernels/ref",
         file="src/kernels/ref/layout.c",
         old="                   const void *src, void *dst) {\n  for (int64_t b = 0; b < batch; b++)",
         new="                   const void *src, void *dst) {\n  __builtin_abort();\n"
             "  for (int64_t b = 0; b < batch; b++)"),
    # ---- caught by the audit: must stay caught -----------------------------
    dict(name="AVX-512 GEMM column-tail mask off by one", layer="kernels/x86",
         file="src/kernels/x86/avx512/f32_gemm_12x32__avx512.c",
         old="nr >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nr) - 1u);",
         new="nr >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (nr - 1)) - 1u);"),
    dict(name="layer_norm epsilon x10 in the reference kernel", layer="kernels/ref",
         file="src/kernels/ref/nlp.c",
         old="const float inv = (float)(1.0 / sqrt(var + (double)epsilon));",
         new="const float inv = (float)(1.0 / sqrt(var + 10.0 * (double)epsilon));"),
    dict(name="fuse_conv_bn epsilon x100", layer="passes",
         file="src/passes/fuse_conv_bn.c",
         old="double s = (double)scale[c] / sqrt((double)var[c] + eps);",
         new="double s = (double)scale[c] / sqrt((double)var[c] + 100.0 * eps);"),
    dict(name="params loader ignores trailing bytes", layer="frontend/paddle",
         file="src/frontend/paddle/params.c",
         old="  if (pos != size) {",
         new="  if (pos > size) {"),
    # ---- ten more, across the layers ----------------------------------------
    dict(name="scale: bias_after_scale inverted (float32)", layer="kernels/ref",
         file="src/kernels/ref/math.c",
         old="  if (bias_after_scale)\n    for (int64_t i = 0; i < n; i++) dst[i] = scale * src[i] + bias;",
         new="  if (!bias_after_scale)\n    for (int64_t i = 0; i < n; i++) dst[i] = scale * src[i] + bias;"),
    dict(name="average pooling: exclusive flag inverted", layer="kernels/ref",
         file="src/kernels/ref/pool.c",
         old="if (p->exclusive || p->adaptive)",
         new="if (!p->exclusive || p->adaptive)"),
    dict(name="ONNX Gemm ignores transB", layer="frontend/onnx",
         file="src/frontend/onnx/onnx_ops_basic.c",
         old='cx_set_i(cx, &b, "trans_y", cx_attr_i(cx, "transB", 0) != 0);',
         new='cx_set_i(cx, &b, "trans_y", 0);'),
    dict(name="ONNX LeakyRelu default alpha 0.1 instead of 0.01", layer="frontend/onnx",
         file="src/frontend/onnx/onnx_ops_basic.c",
         old='cx_set_f(cx, &b, "alpha", cx_attr_f(cx, "alpha", 0.01f));',
         new='cx_set_f(cx, &b, "alpha", cx_attr_f(cx, "alpha", 0.1f));'),
    dict(name="memory planner shares a block with a tensor born where it dies", layer="runtime/planner",
         file="src/runtime/memory_plan.c",
         old="if (blocks[j].last < blocks[i].first || blocks[i].last < blocks[j].first) continue;",
         new="if (blocks[j].last <= blocks[i].first || blocks[i].last < blocks[j].first) continue;"),
    dict(name="oar_tensor_copy_to_host copies one byte short", layer="api",
         file="src/api/tensor.c",
         old="  if (need) memcpy(dst, data, need);",
         new="  if (need) memcpy(dst, data, need - 1);"),
    dict(name="fused hard_sigmoid takes slope and offset swapped", layer="runtime",
         file="src/runtime/ops/fused_act.c",
         old="*p = (oar_act_params){.kind = OAR_ACT_HARD_SIGMOID, .slope = a, .offset = b};",
         new="*p = (oar_act_params){.kind = OAR_ACT_HARD_SIGMOID, .slope = b, .offset = a};"),
    dict(name="AVX-512 swish ignores beta", layer="kernels/x86",
         file="src/kernels/x86/avx512/f32_vact__avx512.c",
         old="case OAR_ACT_SWISH: return _mm512_mul_ps(x, v_sigmoid(_mm512_mul_ps(x, _mm512_set1_ps(p->beta))));",
         new="case OAR_ACT_SWISH: return _mm512_mul_ps(x, v_sigmoid(x));"),
    dict(name="Winograd output transform: second column sign", layer="kernels/x86",
         file="src/kernels/x86/avx512/f32_wino16c__avx512.c",
         old="__m512 y1 = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s[r][1], s[r][2]), s[r][3]), b);",
         new="__m512 y1 = _mm512_add_ps(_mm512_add_ps(_mm512_sub_ps(s[r][1], s[r][2]), s[r][3]), b);"),
    dict(name="remove_identity drops a scale with a bias", layer="passes",
         file="src/passes/remove_identity.c",
         old="             oar_node_attr_f(n, OAR_SCALE_ATTR_SCALE) == 1.0 &&\n"
             "             oar_node_attr_f(n, OAR_SCALE_ATTR_BIAS) == 0.0;",
         new="             oar_node_attr_f(n, OAR_SCALE_ATTR_SCALE) == 1.0;"),
]
