#pragma once
// An activation fused into the op that produces its input. linear, conv2d and conv_transpose2d take one:
// the op applies it to its output in place, and its backward gates the output gradient before its own
// rule, which saves a pass over the output each way and a node on the tape.
#include <string>

namespace aegrad {

enum class Epilogue { none, relu };

/// "" or "+relu": what the op's name on the tape carries ("linear+relu", "conv2d+relu").
inline std::string epilogue_suffix(Epilogue e) { return e == Epilogue::relu ? "+relu" : ""; }

} // namespace aegrad
