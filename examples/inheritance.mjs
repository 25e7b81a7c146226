// examples/inheritance.mjs — a JS class extending a C++ class, C++ calling its overrides; operators by spelling.
import cppyy from 'cppjit';

cppyy.cppdef(`
  #include <memory>
  #include <ostream>
  #include <string>
  #include <vector>
  namespace ex {
    struct Shape {
      explicit Shape(std::string n) : name(std::move(n)) {}
      virtual ~Shape() = default;
      virtual double area() const = 0;
      virtual std::string describe() const { return name + ": " + std::to_string(area()); }
      std::string name;
     protected:
      int version = 1;
    };
    struct Scene {
      std::vector<std::unique_ptr<Shape>> shapes;
      void adopt(Shape* s) { shapes.emplace_back(s); }
      double total() const { double t = 0; for (auto& s : shapes) t += s->area(); return t; }
      std::string report() const { std::string r; for (auto& s : shapes) r += s->describe() + "\\n"; return r; }
    };
    struct Money {
      long cents;
      Money operator+(const Money& o) const { return {cents + o.cents}; }
      friend bool operator<(const Money& a, const Money& b) { return a.cents < b.cents; }
    };
    inline std::ostream& operator<<(std::ostream& os, const Money& m) { return os << m.cents / 100 << '.' << m.cents % 100; }
  }
`);
const { ex } = cppyy.gbl;

class Circle extends ex.Shape {
  constructor(r) {
    super('circle');          // picks Shape(std::string)
    this.r = r;               // JS state lives on the JS object
  }
  area() { return Math.PI * this.r ** 2; }                 // called by C++ through Shape*
  describe() { return `${super.describe()} (v${this.version})`; }  // super: C++'s; version: protected
}

const scene = new ex.Scene();
scene.adopt(cppyy.ll.disown(new Circle(1)));   // the scene owns it now; the JS object lives as long
scene.adopt(cppyy.ll.disown(new Circle(2)));
console.log(scene.total().toFixed(3));          // 15.708
console.log(scene.report());

const a = new ex.Money();
a.cents = 250;
const b = a['operator+'](a);                    // member operator
console.log(`${b}`, a['operator<'](b));         // 5.0 true — operator<< and a hidden friend
