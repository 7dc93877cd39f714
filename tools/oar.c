/* `oar`: the command line program. Inspect a model (info), run it on .npy
 * inputs (run), time it (bench). Uses the public API only. */
#include "oar/oar.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#ifdef OAR_HAVE_SERVE
#include "serve_main.h"
#endif

static const char kOverview[] =
    "oar - run PaddlePaddle and ONNX inference models on the CPU\n"
    "\n"
    "usage: oar <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  info MODEL [PARAMS]            inputs, outputs, ops and parameters of a model\n"
    "  run MODEL --input NAME=X.npy   run a model on .npy inputs, print and save outputs\n"
    "  bench MODEL                    time a model on random inputs\n"
    "  opt MODEL -o FILE.oar          one optimized model file: loads fast, runs mapped\n"
    "  quantize MODEL.onnx --calibration DIR -o OUT.onnx\n"
    "                                 int8 QDQ ONNX model calibrated on .npy samples\n"
    "  serve --model-repository DIR   serve models over HTTP (KServe / Triton v2 protocol)\n"
    "  help [COMMAND]                 this text, or a command's options\n"
    "  --version                      the program and library versions\n"
    "\n"
    "MODEL is a model directory (holding __model__, or one *.pdmodel or Paddle 3\n"
    "*.json with its *.pdiparams) or a program file (ProgramDesc or Paddle 3 PIR\n"
    "JSON, told apart by content), or an .onnx file; PARAMS (or --params)\n"
    "names the Paddle parameters file when it is not beside the program.\n"
    "\n"
    "Exit status: 0 on success, 1 when the model or its data fails, 2 for a\n"
    "command line oar does not understand.\n";

static const char kInfoHelp[] =
    "usage: oar info MODEL [PARAMS] [--params FILE] [--passes] [--memory [--shape NAME=AxB ...]]\n"
    "\n"
    "Prints the model's inputs and outputs (name, dtype, declared shape; -1 is\n"
    "a variable dimension), how many nodes of each op type it has (after the\n"
    "optimization passes), and its parameter count and size.\n"
    "  --passes   what each optimization pass did, and why near misses missed\n"
    "  --memory   planned activation memory against the naive sum (for the\n"
    "             declared input shapes, -1 as 1, or those given by --shape)\n"
    "Engine switches (also for run and bench): --no-ir-optim, --no-memory-optim,\n"
    "--delete-pass NAME, --precision float32|bfloat16 (bfloat16: convolutions and\n"
    "fc / matmul on constant weights multiply in bfloat16, on CPUs with\n"
    "AVX512-BF16), --profile (run, bench: per-node times and kernels, and\n"
    "the share of time on reference kernels, the slow path), --trace FILE (run,\n"
    "bench: --profile, and the profile written to FILE as Chrome / Perfetto trace\n"
    "events: one per node, with its kernel).\n";

static const char kRunHelp[] =
    "usage: oar run MODEL [--params FILE] --input NAME=FILE.npy ... [--output-dir DIR]\n"
    "               [--threads N] [--repeat N]\n"
    "\n"
    "Feeds each input from a .npy file (a model with one input also takes\n"
    "--input FILE.npy), runs the model once and prints every output's name,\n"
    "dtype, shape and first values; for a 2-D [N, C] float output, the top-5\n"
    "classes of each row with their scores.\n"
    "\n"
    "  --input NAME=FILE.npy  data of input NAME (C order; float64 files feed\n"
    "                         float32 inputs, integer files any integer input\n"
    "                         whose range holds their values)\n"
    "  --output-dir DIR       also write DIR/<output name>.npy per output (characters\n"
    "                         other than A-Z a-z 0-9 . _ - become _); DIR is created\n"
    "  --threads N            threads for the run (default 1)\n"
    "  --repeat N             run N times (default 1; the outputs are the last run's,\n"
    "                         the time printed the fastest, --profile sums them all)\n";

static const char kBenchHelp[] =
    "usage: oar bench MODEL [--params FILE] [--threads N] [--batch N] [--shape NAME=AxBxC]\n"
    "                 [--warmup N] [--iters N] [--seconds S]\n"
    "\n"
    "Times runs on random inputs of the declared shapes (float inputs uniform in\n"
    "[-1, 1], integer and bool inputs 0) and prints the median, 90th percentile\n"
    "and minimum latency and the throughput (samples per second = batch /\n"
    "median latency).\n"
    "\n"
    "  --batch N            size of a variable first dimension (default 1)\n"
    "  --shape NAME=AxBxC   full shape of input NAME; needed for any variable\n"
    "                       dimension other than the first (repeatable)\n"
    "  --warmup N           untimed runs first (default 3)\n"
    "  --iters N            timed runs (default 20); with --seconds, the most\n"
    "  --seconds S          keep timing runs until S seconds have passed\n"
    "  --threads N          threads per run (default 1)\n";

static const char kOptHelp[] =
    "usage: oar opt MODEL [--params FILE] -o FILE.oar [--emit-op-list FILE]\n"
    "\n"
    "Writes MODEL as one optimized model file: the graph after the optimization\n"
    "passes and its weights, with the weights already packed for this host's\n"
    "kernels (for the declared input shapes, -1 as 1), aligned so that loading\n"
    "maps the file and runs it with no weight copied. FILE.oar loads wherever a\n"
    "model does (oar run, info, bench, serve, every API), told apart by its\n"
    "content. A file written on another ISA level is repacked on load, or\n"
    "refused when its layouts do not suit the host (docs/optimized-format.md).\n"
    "  -o, --output FILE      the optimized model file to write\n"
    "  --emit-op-list FILE    the op types the optimized graph runs, one per line\n"
    "                         ('-': stdout), for -DOAR_OP_LIST builds\n";

static const char kQuantizeHelp[] =
    "usage: oar quantize MODEL.onnx --calibration DIR -o OUT.onnx [--method minmax|percentile|kl]\n"
    "                    [--percentile P] [--per-tensor-weights] [--threads N]\n"
    "\n"
    "Post-training static quantization: writes OUT.onnx, a QDQ ONNX model (the\n"
    "format of ONNX Runtime's quantize_static with QuantFormat.QDQ) that oar and\n"
    "ONNX Runtime load. The weight (a float32 initializer or Constant) of every\n"
    "Conv, and of every MatMul and Gemm whose B is one, becomes int8, symmetric\n"
    "(zero point 0, scale max|w| / 127) per output channel (Conv: axis 0;\n"
    "MatMul B [K, N]: axis 1), followed by DequantizeLinear; their activation\n"
    "input gets a QuantizeLinear -> DequantizeLinear pair of uint8, its scale\n"
    "and zero point from the range [min(0, lo), max(0, hi)] measured by running\n"
    "MODEL on the calibration samples. Biases and every other op stay float.\n"
    "\n"
    "  --calibration DIR    the samples: for a model with one input, DIR/*.npy,\n"
    "                       one file per sample; for any model, DIR/<sample>/,\n"
    "                       one subdirectory per sample holding <input>.npy per\n"
    "                       input (characters of the input name other than\n"
    "                       A-Z a-z 0-9 . _ - as '_'). A file may hold a batch.\n"
    "  -o, --output FILE    the quantized model to write\n"
    "  --method M           how a range [lo, hi] is taken from the samples:\n"
    "                       minmax (default): the smallest and largest value;\n"
    "                       percentile: from a 2048-bin histogram of the values,\n"
    "                       (100 - P) / 2 percent cut at each end;\n"
    "                       kl: TensorRT's entropy calibration (2048-bin |x|\n"
    "                       histogram, 128 levels), [lo, hi] clipped to +-threshold\n"
    "  --percentile P       the percentile kept (default 99.99)\n"
    "  --per-tensor-weights one scale per weight instead of one per channel\n"
    "  --threads N          threads for the calibration runs (default 1)\n";

int cmd_print_help(const char *command) {
  if (command == NULL) {
    fputs(kOverview, stdout);
  } else if (strcmp(command, "info") == 0) {
    fputs(kInfoHelp, stdout);
  } else if (strcmp(command, "run") == 0) {
    fputs(kRunHelp, stdout);
  } else if (strcmp(command, "bench") == 0) {
    fputs(kBenchHelp, stdout);
  } else if (strcmp(command, "opt") == 0) {
    fputs(kOptHelp, stdout);
  } else if (strcmp(command, "quantize") == 0) {
    fputs(kQuantizeHelp, stdout);
  } else if (strcmp(command, "serve") == 0) {
#ifdef OAR_HAVE_SERVE
    fputs(serve_help(), stdout);
#else
    printf("oar serve is not in this build: %s\n", OAR_SERVE_MISSING);
#endif
  } else if (strcmp(command, "help") == 0) {
    fputs("usage: oar help [COMMAND]\n", stdout);
  } else {
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(kOverview, stderr);
    return CLI_EXIT_USAGE;
  }
  const char *command = argv[1];
  if (strcmp(command, "--version") == 0 || strcmp(command, "version") == 0) {
    printf("oar %d.%d.%d (library %s)\n", OAR_VERSION_MAJOR, OAR_VERSION_MINOR, OAR_VERSION_PATCH,
           oar_version());
    return CLI_EXIT_OK;
  }
  if (strcmp(command, "help") == 0 || strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0) {
    if (argc > 3) return cli_usage("help", "help takes at most one command name");
    if (cmd_print_help(argc == 3 ? argv[2] : NULL) != 0) {
      return cli_usage(NULL, "unknown command '%s'", argv[2]);
    }
    return CLI_EXIT_OK;
  }
  if (strcmp(command, "info") == 0) return cmd_info(argc - 2, argv + 2);
  if (strcmp(command, "run") == 0) return cmd_run(argc - 2, argv + 2);
  if (strcmp(command, "bench") == 0) return cmd_bench(argc - 2, argv + 2);
  if (strcmp(command, "opt") == 0) return cmd_opt(argc - 2, argv + 2);
  if (strcmp(command, "quantize") == 0) return cmd_quantize(argc - 2, argv + 2);
  if (strcmp(command, "serve") == 0) {
#ifdef OAR_HAVE_SERVE
    return serve_main(argc - 2, argv + 2);
#else
    return cli_fail("serve is not in this build: %s", OAR_SERVE_MISSING);
#endif
  }
  return cli_usage(NULL, "unknown command '%s'", command);
}
