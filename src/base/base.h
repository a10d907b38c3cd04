/* base.h — the public header of src/base: primitives that depend on nothing
 * else in src/. Read err.h and arena.h first. */
#ifndef DOCKET_BASE_BASE_H
#define DOCKET_BASE_BASE_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/parse.h"
#include "base/str.h"
#include "base/utf8.h"

#endif
