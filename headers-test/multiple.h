// headers-test/multiple.h — multiple and virtual inheritance (this adjustment, casts, downcasts) for test/multiple.test.ts.
#pragma once
#include <string>

namespace mi {

struct Named {
  std::string name = "named";
  virtual ~Named() = default;
  std::string getName() const { return name; }
  virtual std::string kind() const { return "named"; }
};
struct Sized {
  int size = 7;
  int getSize() const { return size; }
  void grow(int by) { size += by; }
};
// Sized is the second base: its subobject is not at offset 0.
struct Box : Named, Sized {
  double weight = 1.5;
  std::string kind() const override { return "box"; }
};
inline int sizeOf(const Sized& s) { return s.size; }
inline const Sized* asSized(const Box* b) { return b; }
inline Named* asNamed(Box* b) { return b; }
inline Named* makeBox() { return new Box(); }
inline bool isBoxAt(const Box* b, const Sized* s) { return static_cast<const Sized*>(b) == s; }

// Diamond with a virtual base.
struct Animal {
  int legs = 4;
  virtual ~Animal() = default;
  virtual std::string sound() const { return "..."; }
  int getLegs() const { return legs; }
};
struct Mammal : virtual Animal {
  int fur = 1;
  std::string sound() const override { return "mammal"; }
};
struct Winged : virtual Animal {
  int wings = 2;
  int getWings() const { return wings; }
};
struct Bat : Mammal, Winged {
  Bat() { legs = 2; }
  std::string sound() const override { return "squeak"; }
};
inline int legsOf(const Animal& a) { return a.legs; }
inline int wingsOf(const Winged& w) { return w.wings; }
inline Animal* asAnimal(Bat* b) { return b; }
inline Winged* asWinged(Bat* b) { return b; }

inline std::string kindOf(const Named& n) { return n.kind(); }
inline int grownSize(Sized& s) {
  s.grow(1);
  return s.size;
}

}  // namespace mi
