// native/describe.cc — reflex's immutable descriptions as plain JS objects (decided once, read by the JS call path).
#include "Native.h"

namespace cppjit {
namespace {

const char* kindName(reflex::TypeKind k) {
  using K = reflex::TypeKind;
  switch (k) {
    case K::Void: return "void";
    case K::Bool: return "bool";
    case K::Char: return "char";
    case K::Int: return "int";
    case K::Float: return "float";
    case K::Enum: return "enum";
    case K::CString: return "cstring";
    case K::StdString: return "string";
    case K::StringView: return "stringview";
    case K::Object: return "object";
    case K::ObjectRef: return "objectref";
    case K::ObjectPtr: return "objectptr";
    case K::ArithRef: return "arithref";
    case K::Pointer: return "pointer";
    case K::FunctionPtr: return "funcptr";
    case K::Array: return "array";
    case K::Unsupported: return "unsupported";
  }
  return "unsupported";
}

const char* memberKindName(reflex::MemberKind k) {
  using M = reflex::MemberKind;
  switch (k) {
    case M::None: return "none";
    case M::Namespace: return "namespace";
    case M::Class: return "class";
    case M::Enum: return "enum";
    case M::Functions: return "functions";
    case M::Variable: return "variable";
    case M::EnumConstant: return "enumconstant";
    case M::Typedef: return "typedef";
    case M::ClassTemplate: return "classtemplate";
  }
  return "none";
}

const char* callableKindName(reflex::CallableKind k) {
  switch (k) {
    case reflex::CallableKind::Function: return "function";
    case reflex::CallableKind::Method: return "method";
    case reflex::CallableKind::StaticMethod: return "static";
    case reflex::CallableKind::Constructor: return "constructor";
  }
  return "function";
}

}  // namespace

constexpr double kGlobalScopeId = 1;

Napi::Value scopeId(Napi::Env env, reflex::ScopeRef scope) {
  if (!scope) return env.Null();
  auto& st = state();
  if (st.session && st.session->isGlobalScope(scope)) return Napi::Number::New(env, kGlobalScopeId);
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(scope.decl)));
}

reflex::ScopeRef scopeFrom(const Napi::Value& v) {
  if (!v.IsNumber()) return reflex::ScopeRef{};
  if (v.As<Napi::Number>().DoubleValue() == kGlobalScopeId && state().session) return state().session->globalScope();
  return reflex::ScopeRef{reinterpret_cast<const void*>(static_cast<uintptr_t>(v.As<Napi::Number>().DoubleValue()))};
}

Napi::Value describeType(Napi::Env env, const reflex::TypeDesc& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", kindName(t.kind));
  o.Set("spelling", t.spelling);
  o.Set("display", t.display);
  o.Set("value", t.value);
  o.Set("bits", t.bits);
  o.Set("signed", t.isSigned);
  o.Set("isConst", t.isConst);
  if (t.isRvalueRef) o.Set("isRvalueRef", true);
  o.Set("record", scopeId(env, t.record));
  o.Set("pointee", t.pointee);
  o.Set("pointeeKind", kindName(t.pointeeKind));
  o.Set("pointeeBits", t.pointeeBits);
  o.Set("pointeeSigned", t.pointeeSigned);
  if (t.kind == reflex::TypeKind::Array) {
    o.Set("arrayLength", static_cast<double>(t.arrayLength));
    o.Set("elementSize", static_cast<double>(t.elementSize));
  } else if (t.arrayLength) {
    o.Set("arrayLength", static_cast<double>(t.arrayLength));  // a parameter declared as T[N]
  }
  if (t.signature) {
    // Callback signatures are registered when first described: JS names them by id.
    const reflex::FunctionSignature& sig = *t.signature;
    Napi::Object so = Napi::Object::New(env);
    so.Set("id", registerSignature(t.signature));
    so.Set("spelling", sig.spelling);
    so.Set("result", describeType(env, sig.result));
    Napi::Array params = Napi::Array::New(env, sig.params.size());
    for (size_t i = 0; i < sig.params.size(); ++i) params.Set(i, describeType(env, sig.params[i]));
    so.Set("params", params);
    std::string why = callbackUnsupportedReason(sig);
    if (!why.empty()) so.Set("unsupported", why);
    o.Set("signature", so);
  }
  return o;
}

int registerFunction(const reflex::FunctionDesc& f) {
  auto& st = state();
  auto found = st.fidByDecl.find(f.ref.decl);
  if (found != st.fidByDecl.end()) return found->second;
  int fid = static_cast<int>(st.functions.size());
  st.functions.push_back(f);
  st.fidByDecl[f.ref.decl] = fid;
  return fid;
}

Napi::Object describeFunction(Napi::Env env, const reflex::FunctionDesc& f) {
  return describeFunction(env, f, registerFunction(f));
}

Napi::Object describeFunction(Napi::Env env, const reflex::FunctionDesc& f, int fid) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("fid", fid);
  o.Set("kind", callableKindName(f.kind));
  o.Set("name", f.name);
  o.Set("signature", f.signature);
  o.Set("minArgs", f.minArgs);
  o.Set("isConst", f.isConst);
  o.Set("isVariadic", f.isVariadic);
  o.Set("isProtected", f.isProtected);
  if (!f.classSpelling.empty()) o.Set("classSpelling", f.classSpelling);
  if (f.isExplicit) o.Set("isExplicit", true);
  if (f.isVirtual) {
    o.Set("isVirtual", true);
    o.Set("isPure", f.isPure);
    o.Set("isPrivate", f.isPrivate);
    o.Set("isNoexcept", f.isNoexcept);
    o.Set("refQualifier", f.refQualifier);
  }
  o.Set("functionType", f.functionType);
  Napi::Array params = Napi::Array::New(env, f.params.size());
  for (size_t i = 0; i < f.params.size(); ++i) {
    Napi::Object p = Napi::Object::New(env);
    p.Set("name", f.params[i].name);
    p.Set("type", describeType(env, f.params[i].type));
    p.Set("hasDefault", f.params[i].hasDefault);
    params.Set(i, p);
  }
  o.Set("params", params);
  o.Set("result", describeType(env, f.result));
  return o;
}

namespace {

Napi::Array describeTemplates(Napi::Env env, const std::vector<reflex::TemplateShape>& shapes) {
  Napi::Array list = Napi::Array::New(env, shapes.size());
  for (size_t i = 0; i < shapes.size(); ++i) {
    const reflex::TemplateShape& t = shapes[i];
    Napi::Object o = Napi::Object::New(env);
    Napi::Array names = Napi::Array::New(env, t.typeParams.size());
    for (size_t k = 0; k < t.typeParams.size(); ++k) names.Set(k, t.typeParams[k]);
    o.Set("typeParams", names);
    Napi::Array params = Napi::Array::New(env, t.params.size());
    for (size_t k = 0; k < t.params.size(); ++k) {
      const reflex::TemplateParamShape& p = t.params[k];
      Napi::Object po = Napi::Object::New(env);
      po.Set("name", p.name);
      if (p.typeParam >= 0) po.Set("typeParam", p.typeParam);
      if (p.dependent) po.Set("dependent", true);
      if (p.isPack) po.Set("isPack", true);
      if (p.typeParam < 0 && !p.dependent) po.Set("type", describeType(env, p.type));
      params.Set(k, po);
    }
    o.Set("params", params);
    o.Set("minArgs", t.minArgs);
    if (t.resultDependent) o.Set("resultDependent", true);
    else o.Set("result", describeType(env, t.result));
    o.Set("isStatic", t.isStatic);
    if (t.needsExplicit) o.Set("needsExplicit", true);
    list.Set(i, o);
  }
  return list;
}

}  // namespace

Napi::Value describeMember(Napi::Env env, const reflex::MemberDesc& m) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", memberKindName(m.kind));
  o.Set("name", m.name);
  switch (m.kind) {
    case reflex::MemberKind::Namespace:
    case reflex::MemberKind::Class:
    case reflex::MemberKind::Enum:
      o.Set("scope", scopeId(env, m.scope));
      break;
    case reflex::MemberKind::Functions: {
      Napi::Array list = Napi::Array::New(env, m.functions.size());
      for (size_t i = 0; i < m.functions.size(); ++i) list.Set(i, describeFunction(env, m.functions[i]));
      o.Set("functions", list);
      if (m.hasTemplates) {
        o.Set("hasTemplates", true);
        o.Set("qualifiedName", m.qualifiedName);
        o.Set("templates", describeTemplates(env, m.templates));
      }
      break;
    }
    case reflex::MemberKind::ClassTemplate:
      o.Set("qualifiedName", m.qualifiedName);
      break;
    case reflex::MemberKind::Variable:
      o.Set("variable", Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(m.variable.decl))));
      o.Set("type", describeType(env, m.type));
      o.Set("isConst", m.isConst);
      o.Set("qualifiedName", m.qualifiedName);
      break;
    case reflex::MemberKind::EnumConstant:
      o.Set("type", describeType(env, m.type));
      if (m.enumConstant.isUnsignedBig)
        o.Set("value", Napi::BigInt::New(env, static_cast<uint64_t>(m.enumConstant.value)));
      else
        o.Set("value", Napi::Number::New(env, static_cast<double>(m.enumConstant.value)));
      break;
    case reflex::MemberKind::Typedef:
      o.Set("type", describeType(env, m.type));
      break;
    case reflex::MemberKind::None:
      break;
  }
  return o;
}

Napi::Value describeClass(Napi::Env env, const reflex::ClassDesc& c) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("scope", scopeId(env, c.ref));
  o.Set("name", c.name);
  o.Set("spelling", c.spelling);
  o.Set("size", static_cast<double>(c.size));
  o.Set("align", static_cast<double>(c.align));
  o.Set("isComplete", c.isComplete);
  o.Set("isPolymorphic", c.isPolymorphic);
  o.Set("isAbstract", c.isAbstract);
  o.Set("isAggregate", c.isAggregate);
  o.Set("hasPublicDestructor", c.hasPublicDestructor);
  o.Set("typeinfoName", c.typeinfoName);
  auto baseList = [&](const std::vector<reflex::BaseDesc>& list) {
    Napi::Array a = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      Napi::Object b = Napi::Object::New(env);
      b.Set("scope", scopeId(env, list[i].record));
      b.Set("spelling", list[i].spelling);
      b.Set("offset", static_cast<double>(list[i].offset));
      b.Set("isVirtual", list[i].isVirtual);
      b.Set("isPublic", list[i].isPublic);
      a.Set(i, b);
    }
    return a;
  };
  auto functions = [&](const std::vector<reflex::FunctionDesc>& list) {
    Napi::Array a = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) a.Set(i, describeFunction(env, list[i]));
    return a;
  };
  o.Set("bases", baseList(c.bases));
  Napi::Array fields = Napi::Array::New(env, c.fields.size());
  for (size_t i = 0; i < c.fields.size(); ++i) {
    Napi::Object f = Napi::Object::New(env);
    f.Set("name", c.fields[i].name);
    f.Set("type", describeType(env, c.fields[i].type));
    f.Set("offset", static_cast<double>(c.fields[i].offset));
    f.Set("isBitField", c.fields[i].isBitField);
    if (c.fields[i].isBitField) {
      f.Set("bitOffset", c.fields[i].bitOffset);
      f.Set("bitWidth", c.fields[i].bitWidth);
    }
    f.Set("isConst", c.fields[i].isConst);
    f.Set("isProtected", c.fields[i].isProtected);
    fields.Set(i, f);
  }
  o.Set("fields", fields);
  o.Set("constructors", functions(c.constructors));
  o.Set("hasConstructorTemplates", c.hasConstructorTemplates);
  o.Set("displayName", c.displayName);
  Napi::Array hidden = Napi::Array::New(env, c.hiddenConstructors.size());
  for (size_t i = 0; i < c.hiddenConstructors.size(); ++i) hidden.Set(i, c.hiddenConstructors[i]);
  o.Set("hiddenConstructors", hidden);
  o.Set("baseConstructors", functions(c.baseConstructors));
  o.Set("virtuals", functions(c.virtuals));
  o.Set("isFinal", c.isFinal);
  o.Set("virtualBases", baseList(c.virtualBases));
  Napi::Array conversions = Napi::Array::New(env, c.conversions.size());
  for (size_t i = 0; i < c.conversions.size(); ++i) {
    Napi::Object conv = Napi::Object::New(env);
    conv.Set("name", c.conversions[i].first);
    conv.Set("type", c.conversions[i].second);
    conversions.Set(i, conv);
  }
  o.Set("conversions", conversions);
  Napi::Array methods = Napi::Array::New(env, c.methodNames.size());
  for (size_t i = 0; i < c.methodNames.size(); ++i) methods.Set(i, c.methodNames[i]);
  o.Set("hasTrivialDefaultConstructor", c.hasTrivialDefaultConstructor);
  o.Set("methodNames", methods);
  o.Set("adlRange", c.adlRange);
  Napi::Array statics = Napi::Array::New(env, c.staticNames.size());
  for (size_t i = 0; i < c.staticNames.size(); ++i) statics.Set(i, c.staticNames[i]);
  o.Set("staticNames", statics);
  return o;
}

Napi::Value describeEnum(Napi::Env env, const reflex::EnumDesc& e) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("scope", scopeId(env, e.ref));
  o.Set("spelling", e.spelling);
  o.Set("isScoped", e.isScoped);
  o.Set("underlying", describeType(env, e.underlying));
  Napi::Array constants = Napi::Array::New(env, e.constants.size());
  for (size_t i = 0; i < e.constants.size(); ++i) {
    Napi::Object c = Napi::Object::New(env);
    c.Set("name", e.constants[i].name);
    if (e.constants[i].isUnsignedBig)
      c.Set("value", Napi::BigInt::New(env, static_cast<uint64_t>(e.constants[i].value)));
    else
      c.Set("value", Napi::Number::New(env, static_cast<double>(e.constants[i].value)));
    constants.Set(i, c);
  }
  o.Set("constants", constants);
  return o;
}

}  // namespace cppjit
