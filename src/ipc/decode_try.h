// BW_TRY: the one-line unwrap every IPC decoder uses for its fields.
//
//   BW_TRY(seq, r.u64());   // declares `seq`, or returns the Reader's error
#pragma once

#include <utility>

#include "common/error.h"

// Unwraps a Result field or returns its error from the enclosing decoder.
#define BW_TRY(var, expr)                     \
  auto var##_r = (expr);                      \
  if (!var##_r) return fail(var##_r.error()); \
  auto var = std::move(*var##_r)
