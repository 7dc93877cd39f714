/* Activations (X -> Out): slot and attribute indices. Every activation has
 * input slot 0 = X and output slot 0 = Out. */
#ifndef OAR_IR_OPS_ACTIVATION_H
#define OAR_IR_OPS_ACTIVATION_H

enum { OAR_ACT_IN_X };
enum { OAR_ACT_OUT_OUT };

enum { OAR_RELU6_ATTR_THRESHOLD };
enum { OAR_SWISH_ATTR_BETA };
enum { OAR_HARD_SWISH_ATTR_THRESHOLD, OAR_HARD_SWISH_ATTR_SCALE, OAR_HARD_SWISH_ATTR_OFFSET };
enum { OAR_HARD_SIGMOID_ATTR_SLOPE, OAR_HARD_SIGMOID_ATTR_OFFSET };
enum { OAR_LEAKY_RELU_ATTR_ALPHA };
enum { OAR_GELU_ATTR_APPROXIMATE };

#endif
