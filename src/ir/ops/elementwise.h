/* Element-wise binary ops with Paddle `axis` broadcasting: slot and
 * attribute indices (shared by all seven ops). */
#ifndef OAR_IR_OPS_ELEMENTWISE_H
#define OAR_IR_OPS_ELEMENTWISE_H

enum { OAR_EW_IN_X, OAR_EW_IN_Y };
enum { OAR_EW_OUT_OUT };
enum { OAR_EW_ATTR_AXIS };

#endif
