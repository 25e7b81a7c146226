// headers-test/cinterop.h — C-style declarations (structs by value, pointers, arrays, bit-fields, unions, variadics) for test/cinterop.test.ts.
#pragma once
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {

typedef struct Vec2 {
  double x, y;
} Vec2;

typedef struct Rect {
  Vec2 min;
  Vec2 max;
  int tag;
} Rect;

typedef struct Named {
  char name[16];
  int values[4];
  double weights[2];
} Named;

inline Vec2 vec2_add(Vec2 a, Vec2 b) { return Vec2{a.x + b.x, a.y + b.y}; }
inline double vec2_dot(const Vec2* a, const Vec2* b) { return a->x * b->x + a->y * b->y; }
inline double rect_area(Rect r) { return (r.max.x - r.min.x) * (r.max.y - r.min.y); }
inline Rect rect_make(double w, double h) { return Rect{{0, 0}, {w, h}, 7}; }
inline int named_sum(Named n) { return n.values[0] + n.values[1] + n.values[2] + n.values[3]; }
inline size_t named_len(const Named* n) { return std::strlen(n->name); }

// Arrays through pointers.
inline double sum_doubles(const double* p, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; ++i) s += p[i];
  return s;
}
inline void scale_ints(int* p, size_t n, int k) {
  for (size_t i = 0; i < n; ++i) p[i] *= k;
}
inline void fill_bytes(unsigned char* p, size_t n, unsigned char v) { std::memset(p, v, n); }
inline void upcase(char* s) {
  for (; *s; ++s)
    if (*s >= 'a' && *s <= 'z') *s = static_cast<char>(*s - 32);
}
inline size_t length_of(char* s) { return std::strlen(s); }
inline int first_of(int arr[3]) { return arr[0]; }
inline int* int_buffer(int n) {
  static int buffer[16];
  for (int i = 0; i < n && i < 16; ++i) buffer[i] = i * i;
  return buffer;
}
inline const double* double_table() {
  static const double table[3] = {0.5, 1.5, 2.5};
  return table;
}
inline double vec_apply(Vec2 v, double (*f)(double)) { return f(v.x) + v.y; }
inline double vec_sum(const Vec2* vs, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += vs[i].x + vs[i].y;
  return s;
}

// A table of structs returned as a pointer to its first element, and pointer out parameters of struct type.
inline Vec2* vec_table(int* count) {
  static Vec2 table[3] = {{1, 2}, {3, 4}, {5, 6}};
  if (count) *count = 3;
  return table;
}
inline int vec_lookup(int i, Vec2** out) {
  int n = 0;
  Vec2* table = vec_table(&n);
  *out = i >= 0 && i < n ? &table[i] : nullptr;
  return *out != nullptr;
}
inline void vec_advance(Vec2*& p) { ++p; }
inline double vec_x_of(Vec2** p) { return *p ? (*p)->x : -1; }

// Out parameters.
inline void divmod(int a, int b, int* q, int* r) {
  *q = a / b;
  *r = a % b;
}
inline void twice_ref(double& v) { v *= 2; }
inline bool parse_u64(const char* text, uint64_t* out) {
  char* end = nullptr;
  *out = std::strtoull(text, &end, 10);
  return end && *end == 0;
}

// An opaque handle, as C libraries declare them.
typedef struct Handle Handle;
int handle_open(const char* name, Handle** out);
int handle_value(const Handle* h);
void handle_close(Handle* h);
int handles_alive();

// void* from anything pointer-like.
inline uintptr_t address_of(const void* p) { return reinterpret_cast<uintptr_t>(p); }
inline int read_int(void* p) { return *static_cast<int*>(p); }

// Variadic functions.
inline int format(char* out, size_t size, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(out, size, fmt, ap);
  va_end(ap);
  return n;
}
inline double sum_va(int count, ...) {
  va_list ap;
  va_start(ap, count);
  double s = 0;
  for (int i = 0; i < count; ++i) s += va_arg(ap, double);
  va_end(ap);
  return s;
}
inline long long sum_ll(int count, ...) {
  va_list ap;
  va_start(ap, count);
  long long s = 0;
  for (int i = 0; i < count; ++i) s += va_arg(ap, long long);
  va_end(ap);
  return s;
}

// Bit-fields, unions, packing, alignment and anonymous members.
struct Flags {
  unsigned ready : 1;
  unsigned mode : 3;
  signed delta : 4;
  unsigned long long big : 40;
  unsigned char tail;
};
inline unsigned flags_mode(Flags f) { return f.mode; }
inline int flags_delta(const Flags* f) { return f->delta; }
inline unsigned long long flags_big(const Flags* f) { return f->big; }

union Number {
  int32_t i;
  float f;
  unsigned char bytes[4];
};
inline float number_float(Number n) { return n.f; }

#pragma pack(push, 1)
struct Packed {
  char c;
  int32_t i;
  double d;
};
#pragma pack(pop)

struct Aligned {
  char c;
  alignas(16) int32_t i;
};

struct Tagged {
  int kind;
  union {
    int32_t asInt;
    double asDouble;
  };
  struct {
    short lo, hi;
  };
};
inline double tagged_value(const Tagged* t) { return t->kind ? t->asDouble : t->asInt; }

inline size_t packed_offset_d() { return offsetof(Packed, d); }
inline size_t aligned_offset_i() { return offsetof(Aligned, i); }

// Macros and constants.
#define CI_VERSION "1.2.3"
#define CI_LIMIT 42
#define CI_RATIO 0.25
static const int ci_answer = 42;
enum ci_color { CI_RED = 1, CI_GREEN = 2 };

// A function that crashes, for signalsAsExceptions.
inline int crash_null(int* p) { return *p; }
inline int divide_ints(int a, int b) { return a / b; }
inline void call_abort() { std::abort(); }
}
// Overloads told apart by the pointer's element type: each TypedArray finds its own.
inline int first_elem(const int* p) { return p[0]; }
inline double first_elem(const double* p) { return p[0] + 0.5; }
// References to pointers returned: read as the pointer they refer to.
struct Cell2 { int v; };
inline Cell2* current_cell = nullptr;
inline Cell2*& cell_slot() { return current_cell; }
inline int* current_ints = nullptr;
inline int*& ints_slot() { return current_ints; }
// void** parameters: an ll.ref box of any pointer, or an object (a pointer holding its address).
struct Boxed { int v = 3; };
inline int store_any(void** out) { static Boxed b{8}; *out = &b; return 1; }
inline int boxed_value(void** in) { return *in ? static_cast<Boxed*>(*in)->v : -1; }
// A class C only declares: its pointer binds a const reference, as `*p` does.
struct Sealed;
Sealed* sealed_make();
int sealed_value(const Sealed& s);
struct SealedImpl { int v = 11; };
inline Sealed* sealed_make() { return reinterpret_cast<Sealed*>(new SealedImpl); }
inline int sealed_value(const Sealed& s) { return reinterpret_cast<const SealedImpl&>(s).v; }
inline void sealed_free(Sealed* s) { delete reinterpret_cast<SealedImpl*>(s); }
inline int null_int(const int* p) { return p == nullptr; }
inline int null_boxed(Boxed* b) { return b == nullptr; }
inline const char* int_or_ptr(int) { return "int"; }
inline const char* int_or_ptr(int*) { return "pointer"; }
