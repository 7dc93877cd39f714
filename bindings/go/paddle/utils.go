package paddle

// #include <stdlib.h>
// #include "pd_inference_api.h"
// #include "pd_oar_ext.h"
import "C"

import (
	"unsafe"
)

// Version is the engine's version summary (PD_GetVersion).
func Version() string { return C.GoString(C.PD_GetVersion()) }

// LastError is oar's addition: the message of the most recent failed call
// on the calling OS thread (also printed on stderr when it happened).
func LastError() string { return C.GoString(C.PD_OarLastError()) }

func cvtPDBoolToGo(b C.PD_Bool) bool { return b != 0 }

func cvtGoBoolToPD(b bool) C.PD_Bool {
	if b {
		return 1
	}
	return 0
}

// cvtToGoSliceString copies a C array of C strings.
func cvtToGoSliceString(length int, str **C.char) []string {
	if length == 0 || str == nil {
		return []string{}
	}
	items := unsafe.Slice(str, length)
	out := make([]string, length)
	for i, s := range items {
		out[i] = C.GoString(s)
	}
	return out
}

// cStringArray copies Go strings into C (free with freeCStringArray).
func cStringArray(items []string) []*C.char {
	out := make([]*C.char, len(items)+1) // +1: &out[0] is valid when empty
	for i, s := range items {
		out[i] = C.CString(s)
	}
	return out
}

func freeCStringArray(items []*C.char) {
	for _, s := range items {
		if s != nil {
			C.free(unsafe.Pointer(s))
		}
	}
}
