#pragma once
// The generated code includes this; on the host the emulation header provides the 16-bit types.
#include "tsr_emu.h"
