// The emulation runtime and driver: runs the launches of a plan (written by the Java harness from
// the launch manifest) over the buffers in a directory. Each block runs alone; its threads are
// fibers that switch only at barriers and warp collectives, so a run is deterministic. Two legal
// schedules alternate between blocks, so that a missing barrier shows in one of them: even blocks
// run their threads in increasing order and complete cp.async copies as late as allowed (at the
// issuing thread's wait), odd blocks run them in decreasing order and complete copies at issue.
//
//   tsr-emu PLAN DIR
//   PLAN lines:  buffer NAME BYTES input|output|scratch
//                launch ENTRY GRID BLOCK SHARED_BYTES PARAM...
// Inputs are read from DIR/NAME.in, outputs written to DIR/NAME.out (raw little-endian storage).
// Outputs and scratch start as all-ones bytes (NaN in every float type), as does dynamic shared
// memory at the start of each block, so a value read before it is written shows up in the result.
#include "tsr_emu.h"

#include <sys/mman.h>
#include <ucontext.h>

#include <cstdarg>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define TSR_EMU_ASAN 1
#else
#define TSR_EMU_ASAN 0
#endif

tsr_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;
alignas(128) unsigned char tsr_smem[TSR_EMU_SMEM_MAX];

extern const tsr_emu_entry tsr_emu_entries[];
extern const int tsr_emu_entry_count;

namespace {

constexpr size_t kStack = 64 * 1024;  // AddressSanitizer clears a stack's shadow on every switch: keep it small

struct Copy {
  void* dst;
  const void* src;
  int bytes;
};

enum class Wait { kNone, kBlock, kWarp };

struct Fiber {
  ucontext_t ctx;
  char* stack = nullptr;
  bool done = false;
  Wait wait = Wait::kNone;
  unsigned long long gen = 0;  // the barrier generation it waits to see pass
  const char* at = "";         // what it waits in, for deadlock reports
  std::vector<Copy> open;      // cp.async since the last commit
  std::deque<std::vector<Copy>> groups;
};

// A warp collective is one barrier: lanes deposit their values, the last to arrive computes every
// lane's result, then all are released. Slots alternate with the barrier generation, because a
// released lane may deposit for the next collective before a slower lane has read this one.
struct Warp {
  int arrived = 0, exited = 0;
  unsigned long long gen = 0;
  unsigned long long word[2][32];
  unsigned frag[32][6];
  float acc[2][32][4];
};

struct Block {
  int threads = 0, arrived = 0, exited = 0;
  bool odd = false;  // odd blocks run their threads in reverse order and complete cp.async at issue
  unsigned long long gen = 0;
  size_t shared = 0;
  std::vector<Fiber> fibers;
  std::vector<Warp> warps;
  int current = 0;
  void (*entry)(void* const*) = nullptr;
  void* const* params = nullptr;
  const char* name = "";
};

Block blk;
ucontext_t scheduler;
const void* main_stack_bottom = nullptr;
size_t main_stack_size = 0;

Fiber& self() { return blk.fibers[blk.current]; }

void enter_fiber(void** fake) {
#if TSR_EMU_ASAN
  __sanitizer_finish_switch_fiber(fake ? *fake : nullptr, &main_stack_bottom, &main_stack_size);
#else
  (void)fake;
#endif
}

// Switches from the running fiber back to the scheduler; returns when the scheduler resumes it.
void yield(bool dying) {
#if TSR_EMU_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(dying ? nullptr : &fake, main_stack_bottom, main_stack_size);
  swapcontext(&self().ctx, &scheduler);
  enter_fiber(&fake);
#else
  (void)dying;
  swapcontext(&self().ctx, &scheduler);
#endif
}

void resume(Fiber& f) {
#if TSR_EMU_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, f.stack, kStack);
  swapcontext(&scheduler, &f.ctx);
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#else
  swapcontext(&scheduler, &f.ctx);
#endif
}

void complete(const std::vector<Copy>& group) {
  for (const Copy& c : group) {
    std::memcpy(c.dst, c.src, (size_t)c.bytes);
    std::memset((char*)c.dst + c.bytes, 0, (size_t)(16 - c.bytes));
  }
}

void fiber_main() {
  enter_fiber(nullptr);
  blk.entry(blk.params);
  Fiber& f = self();
  if (!f.open.empty() || !f.groups.empty()) {
    tsr_emu_fail("thread %u of %s block %u exits with cp.async copies it never waited for", threadIdx.x, blk.name, blockIdx.x);
  }
  f.done = true;
  yield(true);
}

bool released(const Fiber& f) {
  switch (f.wait) {
    case Wait::kNone: return true;
    case Wait::kBlock: return blk.gen != f.gen;
    case Wait::kWarp: return blk.warps[(&f - blk.fibers.data()) / 32].gen != f.gen;
  }
  return false;
}

void set_thread(int t) {
  blk.current = t;
  threadIdx = {t % blockDim.x, (t / blockDim.x) % blockDim.y, t / (blockDim.x * blockDim.y)};
}

[[noreturn]] void deadlock() {
  std::string where;
  for (int t = 0; t < blk.threads; ++t) {
    const Fiber& f = blk.fibers[t];
    if (f.done) continue;
    if (where.size() < 400) where += " " + std::to_string(t) + ":" + f.at;
  }
  tsr_emu_fail("deadlock in %s block %u: %d of %d threads exited, the others wait (thread:where):%s", blk.name, blockIdx.x, blk.exited,
      blk.threads, where.c_str());
}

void run_block() {
  blk.arrived = blk.exited = 0;
  for (Warp& w : blk.warps) w.arrived = w.exited = 0;
  std::memset(tsr_smem, 0xff, blk.shared);
  for (Fiber& f : blk.fibers) {
    f.done = false;
    f.wait = Wait::kNone;
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = f.stack;
    f.ctx.uc_stack.ss_size = kStack;
    f.ctx.uc_link = nullptr;
    makecontext(&f.ctx, fiber_main, 0);
  }
  int live = blk.threads;
  while (live > 0) {
    bool progressed = false;
    for (int i = 0; i < blk.threads; ++i) {
      const int t = blk.odd ? blk.threads - 1 - i : i;
      Fiber& f = blk.fibers[t];
      if (f.done || !released(f)) continue;
      progressed = true;
      f.wait = Wait::kNone;
      set_thread(t);
      resume(f);
      if (f.done) {
        --live;
        ++blk.exited;
        ++blk.warps[t / 32].exited;
      }
    }
    if (!progressed) deadlock();
  }
}

void launch(const tsr_emu_entry& e, unsigned grid, unsigned threads, size_t shared, void* const* params) {
  if (shared > TSR_EMU_SMEM_MAX) tsr_emu_fail("%s asks for %zu bytes of dynamic shared memory", e.name, shared);
  if (threads == 0 || threads > 1024) tsr_emu_fail("%s: block of %u threads", e.name, threads);
  gridDim = {grid, 1, 1};
  blockDim = {threads, 1, 1};
  blk.threads = (int)threads;
  blk.shared = shared;
  blk.entry = e.call;
  blk.params = params;
  blk.name = e.name;
  blk.fibers.resize(threads);
  blk.warps.assign((threads + 31) / 32, Warp{});
  for (Fiber& f : blk.fibers) {
    if (!f.stack) {
      void* p = mmap(nullptr, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED) tsr_emu_fail("cannot map a fiber stack");
      f.stack = (char*)p;
    }
  }
#if TSR_EMU_ASAN
  ASAN_UNPOISON_MEMORY_REGION(tsr_smem, TSR_EMU_SMEM_MAX);
  ASAN_POISON_MEMORY_REGION(tsr_smem + shared, TSR_EMU_SMEM_MAX - shared);
#endif
  for (unsigned b = 0; b < grid; ++b) {
    blockIdx = {b, 0, 0};
    blk.odd = (b & 1) != 0;
    run_block();
  }
}

std::vector<char> read_file(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> v(bytes);
  if (!in.read(v.data(), (std::streamsize)bytes)) tsr_emu_fail("cannot read %zu bytes from %s", bytes, path.c_str());
  return v;
}

// Arrives at the warp's collective; `last` runs in the lane that completes it, before any lane is released.
template <class Last>
void warp_collective(unsigned mask, const char* what, Last last) {
  const int w = blk.current / 32;
  Warp& warp = blk.warps[w];
  const int lanes = blk.threads - w * 32 < 32 ? blk.threads - w * 32 : 32;
  if (mask != 0xffffffffu) tsr_emu_fail("%s with mask %#x: only full-warp collectives are emulated", what, mask);
  if (lanes < 32) tsr_emu_fail("%s with a full mask in %s, whose warp %d has only %d threads", what, blk.name, w, lanes);
  if (warp.exited > 0) {
    tsr_emu_fail("%s with a full mask in %s block %u after %d lanes of warp %d exited", what, blk.name, blockIdx.x, warp.exited, w);
  }
  if (++warp.arrived == lanes) {
    last(warp);
    warp.arrived = 0;
    ++warp.gen;
    return;
  }
  Fiber& f = self();
  f.wait = Wait::kWarp;
  f.gen = warp.gen;
  f.at = what;
  yield(false);
}


}  // namespace

void tsr_emu_fail(const char* fmt, ...) {
  std::va_list ap;
  va_start(ap, fmt);
  std::fprintf(stderr, "tsr-emu: error: ");
  std::vfprintf(stderr, fmt, ap);
  std::fprintf(stderr, "\n");
  va_end(ap);
  std::exit(3);
}

void tsr_emu_syncthreads() {
  Fiber& f = self();
  if (blk.exited > 0) {
    tsr_emu_fail("thread %u of %s block %u reaches __syncthreads() after %d threads of the block exited", threadIdx.x, blk.name,
        blockIdx.x, blk.exited);
  }
  if (++blk.arrived == blk.threads) {
    blk.arrived = 0;
    ++blk.gen;
    return;
  }
  f.wait = Wait::kBlock;
  f.gen = blk.gen;
  f.at = "__syncthreads";
  yield(false);
}

int tsr_emu_lane() { return blk.current & 31; }


void tsr_emu_warp_barrier(unsigned mask, const char* what) {
  warp_collective(mask, what, [](Warp&) {});
}

unsigned long long tsr_emu_exchange(unsigned mask, unsigned long long v, int src, const char* what) {
  Warp& warp = blk.warps[blk.current / 32];
  const int slot = (int)(warp.gen & 1);
  warp.word[slot][blk.current & 31] = v;
  warp_collective(mask, what, [](Warp&) {});
  return src >= 0 && src < 32 ? warp.word[slot][src] : v;
}

void tsr_emu_cp_async(void* dst, const void* src, int src_bytes) {
  const unsigned char* d = (const unsigned char*)dst;
  if (d < tsr_smem || d + 16 > tsr_smem + blk.shared) {
    tsr_emu_fail("cp.async in %s writes outside the %zu bytes of dynamic shared memory (offset %td)", blk.name, blk.shared, d - tsr_smem);
  }
  if ((d - tsr_smem) % 16 != 0 || (uintptr_t)src % 16 != 0) {
    tsr_emu_fail("cp.async in %s: 16-byte copy with a misaligned address (shared offset %td, global %p)", blk.name, d - tsr_smem, src);
  }
  if (src_bytes < 0 || src_bytes > 16) tsr_emu_fail("cp.async in %s: src-size %d", blk.name, src_bytes);
  if (blk.odd) {
    complete({Copy{dst, src, src_bytes}});
  } else {
    self().open.push_back(Copy{dst, src, src_bytes});
  }
}

void tsr_emu_cp_commit() {
  Fiber& f = self();
  f.groups.push_back(std::move(f.open));
  f.open.clear();
}

void tsr_emu_cp_wait(int pending) {
  Fiber& f = self();
  while ((int)f.groups.size() > pending) {
    complete(f.groups.front());
    f.groups.pop_front();
  }
}

// mma.sync.aligned.m16n8k16.row.col.f32.{f16,bf16}: every lane's fragments are gathered, then each
// lane computes its four accumulators. Fragment layouts (PTX ISA, "Matrix Fragments for
// mma.m16n8k16"), with g = lane / 4 and t = lane % 4:
//   A (16x16): reg 0 = (g, 2t..2t+1), reg 1 = (g+8, 2t..), reg 2 = (g, 2t+8..), reg 3 = (g+8, 2t+8..)
//   B (16x8):  reg 0 = (k 2t..2t+1, col g), reg 1 = (k 2t+8..2t+9, col g)
//   C (16x8):  c0, c1 = (g, 2t..2t+1), c2, c3 = (g+8, 2t..2t+1)
// The lower half of a register holds the lower column (A) or row (B).
void tsr_emu_mma_16816(float* c, const unsigned* a, const unsigned* b, bool bf16) {
  Warp& warp = blk.warps[blk.current / 32];
  const int lane = blk.current & 31, slot = (int)(warp.gen & 1);
  for (int i = 0; i < 4; ++i) {
    warp.frag[lane][i] = a[i];
    warp.acc[slot][lane][i] = c[i];
  }
  warp.frag[lane][4] = b[0];
  warp.frag[lane][5] = b[1];
  warp_collective(0xffffffffu, "mma.sync", [&](Warp& w) {
    auto value = [&](unsigned reg, int half) {
      unsigned short bits = (unsigned short)(reg >> (16 * half));
      return bf16 ? __bfloat162float(__nv_bfloat16{bits}) : __half2float(__half{bits});
    };
    float A[16][16], B[16][8];
    for (int row = 0; row < 16; ++row) {
      for (int k = 0; k < 16; ++k) A[row][k] = value(w.frag[(row % 8) * 4 + (k % 8) / 2][(row / 8) + 2 * (k / 8)], k & 1);
    }
    for (int k = 0; k < 16; ++k) {
      for (int col = 0; col < 8; ++col) B[k][col] = value(w.frag[col * 4 + (k % 8) / 2][4 + k / 8], k & 1);
    }
    for (int l = 0; l < 32; ++l) {
      const int g = l >> 2, t = l & 3;
      for (int i = 0; i < 4; ++i) {
        const int row = g + (i >> 1) * 8, col = 2 * t + (i & 1);
        double sum = 0;  // products of 16-bit values are exact; the sum is rounded once
        for (int k = 0; k < 16; ++k) sum += (double)A[row][k] * (double)B[k][col];
        w.acc[slot][l][i] = (float)((double)w.acc[slot][l][i] + sum);
      }
    }
  });
  for (int i = 0; i < 4; ++i) c[i] = warp.acc[slot][lane][i];
}

int main(int argc, char** argv) {
  if (argc != 3) tsr_emu_fail("usage: tsr-emu PLAN DIR");
  const std::string dir = argv[2];
  std::ifstream plan(argv[1]);
  if (!plan) tsr_emu_fail("cannot open %s", argv[1]);
  std::map<std::string, void*> buffers;
  std::vector<std::pair<std::string, size_t>> outputs;
  std::string line;
  while (std::getline(plan, line)) {
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    if (kind == "buffer") {
      std::string name, role;
      size_t bytes;
      in >> name >> bytes >> role;
      void* p = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
      if (!p) tsr_emu_fail("cannot allocate %zu bytes", bytes);
#if TSR_EMU_ASAN
      ASAN_POISON_MEMORY_REGION((char*)p + bytes, (bytes + 255) / 256 * 256 - bytes);
#endif
      if (role == "input") {
        std::vector<char> v = read_file(dir + "/" + name + ".in", bytes);
        std::memcpy(p, v.data(), bytes);
      } else {
        std::memset(p, 0xff, bytes);
        if (role == "output") outputs.emplace_back(name, bytes);
      }
      buffers[name] = p;
    } else if (kind == "launch") {
      std::string entry, param;
      unsigned grid, threads;
      size_t shared;
      in >> entry >> grid >> threads >> shared;
      std::vector<void*> params;
      while (in >> param) {
        if (!buffers.count(param)) tsr_emu_fail("launch %s names unknown buffer %s", entry.c_str(), param.c_str());
        params.push_back(buffers[param]);
      }
      const tsr_emu_entry* e = nullptr;
      for (int i = 0; i < tsr_emu_entry_count; ++i) {
        if (entry == tsr_emu_entries[i].name) e = &tsr_emu_entries[i];
      }
      if (!e) tsr_emu_fail("no entry %s in the compiled source", entry.c_str());
      if (e->params != (int)params.size()) tsr_emu_fail("%s takes %d parameters, the plan gives %zu", e->name, e->params, params.size());
      launch(*e, grid, threads, shared, params.data());
    } else if (!kind.empty()) {
      tsr_emu_fail("bad plan line: %s", line.c_str());
    }
  }
  for (const auto& [name, bytes] : outputs) {
    std::ofstream out(dir + "/" + name + ".out", std::ios::binary);
    out.write((const char*)buffers[name], (std::streamsize)bytes);
    if (!out) tsr_emu_fail("cannot write %s.out", name.c_str());
  }
  return 0;
}
