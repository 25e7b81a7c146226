// reflex/Types.h — typed handles, Result<T> and the immutable descriptions reflex hands to its callers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace reflex {

// Opaque handles over Clang declarations/types. The pointers stay valid for the
// lifetime of the Session (the AST never frees declarations that were not undone,
// and reflex only hands out declarations from inputs that succeeded).
struct ScopeRef {
  const void* decl = nullptr;  // clang::DeclContext-bearing Decl (namespace, record, enum)
  explicit operator bool() const { return decl != nullptr; }
  bool operator==(const ScopeRef& o) const { return decl == o.decl; }
};
struct FuncRef {
  const void* decl = nullptr;  // clang::FunctionDecl
  explicit operator bool() const { return decl != nullptr; }
};
struct VarRef {
  const void* decl = nullptr;  // clang::VarDecl (global or static member)
  explicit operator bool() const { return decl != nullptr; }
};
struct TypeRef {
  const void* opaque = nullptr;  // clang::QualType opaque pointer
  explicit operator bool() const { return opaque != nullptr; }
};

struct Diagnostic {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  std::string severity;  // "error", "warning", "note", "fatal"
  std::string message;
};

// CppException: a C++ exception escaped executed code; message() is "<mangled type>\n<what>".
// Deviates: the session started with a precompiled header of includes this call does not repeat
// (Session::include); the host restarts the session without it and calls again.
enum class Status { Ok, CompileError, NotFound, Unsupported, Failed, CppException, Deviates };

// Status + diagnostics + value, like CppInterOp's error channel: callers never see
// exceptions from reflex and never lose Clang's own words.
template <class T>
class Result {
 public:
  Result(T value) : status_(Status::Ok), value_(std::move(value)) {}
  static Result failure(Status status, std::string message, std::vector<Diagnostic> diags = {}) {
    Result r;
    r.status_ = status;
    r.message_ = std::move(message);
    r.diagnostics_ = std::move(diags);
    return r;
  }
  bool ok() const { return status_ == Status::Ok; }
  Status status() const { return status_; }
  const std::string& message() const { return message_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T take() { return std::move(*value_); }

 private:
  Result() = default;
  Status status_ = Status::Ok;
  std::string message_;
  std::vector<Diagnostic> diagnostics_;
  std::optional<T> value_;
};

struct Unit {};
using Outcome = Result<Unit>;
inline Outcome success() { return Outcome(Unit{}); }

// How a C++ type crosses the boundary. Decided once when a callable is described;
// the call path only switches on this.
enum class TypeKind : uint8_t {
  Void,
  Bool,
  Char,         // plain char: a 1-char string in JS
  Int,          // any integer type (see bits / isSigned), wchar/char16/char32 included
  Float,        // float, double, long double (see bits)
  Enum,         // enumeration; underlying integer in bits / isSigned
  CString,      // const char* (in: string, out: string or null)
  StdString,    // std::string by value or const&
  StringView,   // std::string_view by value or const& (in from a JS string, out as one)
  Object,       // class type by value
  ObjectRef,    // reference to a class type (lvalue or rvalue)
  ObjectPtr,    // pointer to a class type
  ArithRef,     // reference to an arithmetic type (T&)
  Pointer,      // any other data pointer (void*, int*, char*, T**, incomplete T*)
  FunctionPtr,  // pointer to function
  Array,        // C array T[N] (fields and variables): element in pointee*/record, arrayLength, elementSize
  Unsupported,  // something the converter cannot represent (yet)
};

struct FunctionSignature;

struct TypeDesc {
  TypeKind kind = TypeKind::Unsupported;
  std::string spelling;       // fully qualified C++ spelling usable in generated code
  std::string value;          // spelling of the unqualified, non-reference type (locals in thunks)
  std::string display;        // short spelling for messages and signatures
  uint16_t bits = 0;          // Int/Float/Enum/Char size in bits
  bool isSigned = false;      // Int/Enum
  bool isConst = false;       // pointee/referee constness for Ref/Ptr kinds
  bool isRvalueRef = false;   // ObjectRef from T&&
  ScopeRef record;            // Object/ObjectRef/ObjectPtr: the class
  std::string pointee;        // Ptr/Ref kinds: the pointee's fully qualified spelling
  TypeKind pointeeKind = TypeKind::Unsupported;  // Ptr/Ref kinds: what the pointee is
  uint16_t pointeeBits = 0;
  bool pointeeSigned = false;
  // FunctionPtr, and std::function<R(A...)> taken by value, const& or && (kind Object/ObjectRef):
  // the call signature a JS function must implement to be passed here.
  std::shared_ptr<const FunctionSignature> signature;
  // Enum without a fixed underlying type: its values are those of the smallest bit-field holding
  // every enumerator ([dcl.enum]); a value outside [enumMin, enumMax] is refused.
  bool enumBounded = false;
  int64_t enumMin = 0, enumMax = 0;
  uint64_t arrayLength = 0;   // Array: number of elements (multi-dimensional arrays flattened)
  uint64_t elementSize = 0;   // Array: bytes per element
};

struct FunctionSignature {
  std::string spelling;         // canonical function type, e.g. "int (int, int)": one per distinct signature
  TypeDesc result;
  std::vector<TypeDesc> params;
  bool isVariadic = false;
  bool isNoexcept = false;
};

struct ParamDesc {
  std::string name;
  TypeDesc type;
  bool hasDefault = false;
  std::string defaultText;  // the default argument as written, for signatures
};

enum class CallableKind : uint8_t { Function, Method, StaticMethod, Constructor };

struct FunctionDesc {
  FuncRef ref;
  CallableKind kind = CallableKind::Function;
  std::string name;           // unqualified (operator spelled "operator+")
  std::string qualifiedName;  // what generated code calls (no template args for plain calls)
  // A specialization of a free function template: its qualified name without template arguments.
  // Called through `static_cast<type*>(&name)`, which picks it by its function type, instead of
  // `name<args>(...)`, which substitutes those arguments into every template of that name (a hard
  // error in an unrelated one, such as std::sqrt of std::complex<T> for GMP's sqrt).
  std::string templateName;
  std::string operatorSymbol;    // an overloaded operator's symbol ("<", "[]"), else ""
  bool isSpecialization = false; // a function template's specialization
  std::string signature;      // display: "int geo::add(int a, int b = 2)"
  std::vector<ParamDesc> params;
  TypeDesc result;
  unsigned minArgs = 0;       // parameters without defaults
  bool isConst = false;       // const method
  bool isVariadic = false;
  bool isDeleted = false;
  bool isProtected = false;
  bool isPrivate = false;     // only listed among a class's virtuals (private virtuals can be overridden)
  bool isVirtual = false;
  bool isPure = false;
  bool isNoexcept = false;
  bool isExplicit = false;    // constructors: not a converting constructor
  unsigned refQualifier = 0;  // 0 none, 1 &, 2 &&
  std::string classSpelling;  // methods/constructors: the class's qualified spelling
  std::string functionType;   // canonical function type ("int (int, int)"): what &f converts to
};

enum class MemberKind : uint8_t {
  None,
  Namespace,
  Class,
  Enum,
  Functions,   // an overload set (functions and/or function templates)
  Variable,
  EnumConstant,
  Typedef,     // alias to something that is not a class (the target type is in typedefTarget)
  ClassTemplate,  // a class or alias template: instantiated by spelling arguments
};

struct EnumConstantDesc {
  std::string name;
  int64_t value = 0;
  bool isUnsignedBig = false;  // value must be read as uint64
};

// A function template's call shape, for typed declarations (cppjit dts): which parameters are
// exactly one of its type parameters (deduced from the JS argument) and which have a fixed type.
struct TemplateParamShape {
  std::string name;
  int typeParam = -1;      // (cv/ref) T: index of T in TemplateShape::typeParams; -1 otherwise
  bool dependent = false;  // depends on the template's parameters some other way (std::vector<T>)
  bool isPack = false;     // a function parameter pack (Args&&... args)
  TypeDesc type;           // neither dependent nor a type parameter: the parameter's type
};

struct TemplateShape {
  std::vector<std::string> typeParams;  // names of all template parameters, in order
  std::vector<TemplateParamShape> params;
  unsigned minArgs = 0;
  bool resultDependent = false;  // the result names a template parameter (or is deduced: auto)
  TypeDesc result;
  bool isStatic = false;         // a static member template
  bool needsExplicit = false;    // a template parameter is neither deduced from the arguments nor defaulted
};

struct MemberDesc {
  MemberKind kind = MemberKind::None;
  std::string name;
  ScopeRef scope;                    // Namespace/Class/Enum (class also for typedef-to-class)
  std::vector<FunctionDesc> functions;
  VarRef variable;
  std::string qualifiedName;
  TypeDesc type;                     // Variable type, EnumConstant's enum, Typedef target
  EnumConstantDesc enumConstant;
  bool isConst = false;              // Variable: read-only
  bool hasTemplates = false;         // Functions: the set also has function templates
  std::vector<TemplateShape> templates;  // Functions: the shapes of those templates
  // Variable: what generated code names; ClassTemplate and Functions with templates: the
  // qualified name to spell an instantiation or a call with.
};

// A call of a function template to resolve as C++ would: the callee, explicit template
// arguments (may be empty) and the argument types ("int", "geo::Point&" for an lvalue).
struct TemplateCall {
  std::string callee;        // free/static: "ns::f" or "ns::C::f"; method: the name only
  std::string objectType;    // method calls: the object's class spelling; otherwise empty
  std::string explicitArgs;  // "double" or "int, 4", without the angle brackets
  std::vector<std::string> argTypes;
  bool isConstructor = false;  // callee is then the class spelling
  // Set for an operator expression instead of a call: "+", "[]", "()", "++" (prefix; postfix with a
  // second int argument), or "conversion" (static_cast to explicitArgs). Clang then finds the
  // member, free or ADL-found (hidden friend) operator function the expression would call.
  std::string op;
};

struct FieldDesc {
  std::string name;
  TypeDesc type;
  uint64_t offset = 0;   // bytes from the object's start
  bool isBitField = false;
  unsigned bitOffset = 0;  // bit-fields: bits after `offset`
  unsigned bitWidth = 0;   // bit-fields: width in bits
  bool isConst = false;
  bool isProtected = false;
};

struct BaseDesc {
  ScopeRef record;
  std::string spelling;
  int64_t offset = 0;     // byte offset of the base subobject (non-virtual bases)
  bool isVirtual = false;
  bool isPublic = true;
};

struct ClassDesc {
  ScopeRef ref;
  std::string name;          // unqualified
  std::string spelling;      // fully qualified
  std::string displayName;   // for people: default template arguments dropped (std::vector<int>)
  uint64_t size = 0;
  uint64_t align = 0;
  bool isComplete = false;
  bool isPolymorphic = false;
  bool isAbstract = false;
  bool isAggregate = false;
  // Default construction does nothing (no default member initialisers, no user constructor):
  // zeroed bytes are a value-initialised object.
  bool hasTrivialDefaultConstructor = false;
  bool hasPublicDestructor = true;
  bool isStruct = false;
  std::vector<BaseDesc> bases;
  std::vector<FieldDesc> fields;            // public (and protected) non-static data members
  std::vector<FunctionDesc> constructors;   // public ones
  bool hasConstructorTemplates = false;    // public constructor templates (resolved per call)
  std::vector<std::string> hiddenConstructors;  // "om::S::S() is private" (for error messages)
  // For subclasses made in JS: constructors a derived class may call (public and protected, even
  // of abstract classes), and every virtual method it may override (final overriders, bases included).
  std::vector<FunctionDesc> baseConstructors;
  std::vector<FunctionDesc> virtuals;
  bool isFinal = false;
  // Every virtual base (direct or indirect) with its offset in an object of exactly this class.
  std::vector<BaseDesc> virtualBases;
  std::vector<std::string> methodNames;     // names of member functions (incl. static)
  std::vector<std::pair<std::string, std::string>> conversions;  // ("operator bool", "bool")
  std::vector<std::string> staticNames;     // static data members, nested types, enums
  // No member begin/end (own or inherited), but argument-dependent lookup finds a begin function:
  // range-for iterates it through free begin(x)/end(x) (std::filesystem::directory_iterator).
  bool adlRange = false;
  std::string typeinfoName;                 // mangled typeid name (polymorphic lookup)
};

struct EnumDesc {
  ScopeRef ref;
  std::string spelling;
  bool isScoped = false;
  TypeDesc underlying;
  std::vector<EnumConstantDesc> constants;
};

}  // namespace reflex
