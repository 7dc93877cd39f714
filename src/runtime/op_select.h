/* Which ops this build runs. A normal build runs every op of
 * ir/op_list.h. A build configured with -DOAR_OP_LIST=FILE (the list
 * `oar opt --emit-op-list` writes) gets a generated header,
 * OAR_OP_SELECT_HEADER, defining OAR_OP_ON_<op> as `~, 1` for each listed
 * op; the run and prepare tables then name only those ops' functions, so
 * that the linker (with --gc-sections) drops the others, and a node of an
 * op outside the list fails when planned, naming it. */
#ifndef OAR_RUNTIME_OP_SELECT_H
#define OAR_RUNTIME_OP_SELECT_H

#ifdef OAR_OP_SELECT_HEADER
#include OAR_OP_SELECT_HEADER
#define OAR_OP_SELECT_SECOND_(a, b, ...) b
#define OAR_OP_SELECT_SECOND(...) OAR_OP_SELECT_SECOND_(__VA_ARGS__)
/* 1 when OAR_OP_ON_<id> is defined as `~, 1`, else 0. */
#define OAR_OP_BUILT(id) OAR_OP_SELECT_SECOND(OAR_OP_ON_##id, 0, ~)
#else
#define OAR_OP_BUILT(id) 1
#endif

#endif
