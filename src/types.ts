// src/types.ts — shapes of the descriptions the addon returns (immutable once read).

export type TypeKind =
  | 'void' | 'bool' | 'char' | 'int' | 'float' | 'enum' | 'cstring' | 'string' | 'stringview'
  | 'object' | 'objectref' | 'objectptr' | 'arithref' | 'pointer' | 'funcptr' | 'array' | 'unsupported';

export interface TypeInfo {
  kind: TypeKind;
  spelling: string;
  display: string;
  value: string;
  bits: number;
  signed: boolean;
  isConst: boolean;
  /** References: T&& rather than T&. */
  isRvalueRef?: boolean;
  record: number | null;
  pointee: string;
  pointeeKind: TypeKind;
  pointeeBits: number;
  pointeeSigned: boolean;
  /** Function pointers, and std::function taken by value/const&/&&: the call signature. */
  signature?: SignatureInfo;
  /** C arrays (fields, variables): element count (multi-dimensional arrays flattened) and size. */
  arrayLength?: number;
  elementSize?: number;
}

/** A function type a callback implements (one id per distinct canonical spelling). */
export interface SignatureInfo {
  id: number;
  spelling: string;
  result: TypeInfo;
  params: TypeInfo[];
  /** Why a JS function cannot implement it (C++ functions and null can still be passed). */
  unsupported?: string;
}

export interface ParamInfo {
  name: string;
  type: TypeInfo;
  hasDefault: boolean;
}

export interface FunctionInfo {
  fid: number;
  kind: 'function' | 'method' | 'static' | 'constructor';
  name: string;
  signature: string;
  minArgs: number;
  isConst: boolean;
  isVariadic: boolean;
  isProtected: boolean;
  /** Listed among a class's virtuals (describeClass(scope, true)). */
  isVirtual?: boolean;
  isPure?: boolean;
  isPrivate?: boolean;
  isNoexcept?: boolean;
  /** Constructors: explicit (not used for implicit conversions). */
  isExplicit?: boolean;
  /** 0 none, 1 &, 2 && */
  refQualifier?: number;
  /** Methods and constructors: the class's qualified spelling. */
  classSpelling?: string;
  /** Canonical function type ("int (int, int)"), what `&f` converts to. */
  functionType: string;
  params: ParamInfo[];
  result: TypeInfo;
}

export interface MemberInfo {
  kind: 'none' | 'namespace' | 'class' | 'enum' | 'functions' | 'variable' | 'enumconstant' | 'typedef' | 'classtemplate';
  name: string;
  scope?: number;
  functions?: FunctionInfo[];
  variable?: number;
  qualifiedName?: string;
  type?: TypeInfo;
  isConst?: boolean;
  value?: number | bigint;
  /** Functions: the set also has function templates (instantiated per call through Clang). */
  hasTemplates?: boolean;
  /** Functions with templates: each template's call shape (for declarations). */
  templates?: TemplateShapeInfo[];
}

/** A function template parameter: exactly a template type parameter, dependent otherwise, or a fixed type. */
export interface TemplateParamShapeInfo {
  name: string;
  typeParam?: number;
  dependent?: boolean;
  isPack?: boolean;
  type?: TypeInfo;
}

export interface TemplateShapeInfo {
  /** Every template parameter's name, in order (typeParam indexes this). */
  typeParams: string[];
  params: TemplateParamShapeInfo[];
  minArgs: number;
  resultDependent?: boolean;
  result?: TypeInfo;
  isStatic: boolean;
  /** A template parameter is neither deduced from the arguments nor defaulted: callable only with explicit arguments. */
  needsExplicit?: boolean;
}

export interface FieldInfo {
  name: string;
  type: TypeInfo;
  offset: number;
  isBitField: boolean;
  /** Bit-fields: position after `offset` and width, in bits. */
  bitOffset?: number;
  bitWidth?: number;
  isConst: boolean;
  isProtected: boolean;
}

export interface BaseInfo {
  scope: number;
  spelling: string;
  offset: number;
  isVirtual: boolean;
  isPublic: boolean;
}

export interface ClassInfo {
  scope: number;
  name: string;
  spelling: string;
  size: number;
  align: number;
  isComplete: boolean;
  isPolymorphic: boolean;
  isAbstract: boolean;
  isAggregate: boolean;
  hasPublicDestructor: boolean;
  typeinfoName: string;
  bases: BaseInfo[];
  fields: FieldInfo[];
  constructors: FunctionInfo[];
  hasConstructorTemplates?: boolean;
  /** The spelling for people: default template arguments dropped ('std::vector<int>'). */
  displayName?: string;
  /** Constructors JS cannot call, with the reason ("om::S::S() is private"). */
  hiddenConstructors?: string[];
  methodNames: string[];
  /** Default construction does nothing: zeroed bytes are a value-initialised object (no default member initialisers). */
  hasTrivialDefaultConstructor?: boolean;
  /** No member begin/end, but argument-dependent lookup finds free begin/end: range-for uses those. */
  adlRange?: boolean;
  staticNames: string[];
  /** describeClass(scope, true) only: what a subclass made in JS may call and override. */
  baseConstructors?: FunctionInfo[];
  virtuals?: FunctionInfo[];
  isFinal?: boolean;
  /** Every virtual base, at its offset in an object of exactly this class. */
  /** Conversion operators: name 'operator bool', target type 'bool'. */
  conversions?: { name: string; type: string }[];
  virtualBases?: { scope: number; spelling: string; offset: number; isPublic: boolean }[];
}

export interface EnumInfo {
  scope: number;
  spelling: string;
  isScoped: boolean;
  underlying: TypeInfo;
  constants: { name: string; value: number | bigint }[];
}

export interface CompileFailure {
  error: string;
  unsupported?: boolean;
  diagnostics?: import('./errors').CppDiagnostic[];
}

export type NativeFunction = (...args: unknown[]) => unknown;

export interface NativeMemory {
  [op: string]: (...args: any[]) => any;
}

export interface StartOptions {
  resourceDir: string;
  std: string;
  extraArgs: string[];
  includePaths: string[];
  prelude: string;
  /** Where the precompiled header of the standard headers is kept. */
  cacheDir: string;
  /** The include sequence whose precompiled user headers the interpreter may start on (headercache.ts). */
  headerSequence?: string[];
}

export interface NativeAddon {
  setErrorClasses(cppError: Function, compileError: Function, signalError?: Function): void;
  start(options: StartOptions): Float64Array;
  prestart(options: StartOptions): void;
  /** The precompiled header as found at start: the file loaded (or null) and why. */
  precompiledHeader(): { path: string | null; detail: string; shouldBuild: boolean };
  objectCache(): { directory: string | null; hits: number; stored: number };
  /** The user headers' precompiled header this session started on, and its leading include sequence. */
  headerCache(): import('./headercache').HeaderCacheReport;
  /** Raises the JS callback exceptions C++ threads had no handler for, as uncaught exceptions. */
  raiseUncaught(): void;
  /** Builds the precompiled header of an include sequence (slow: clang++). */
  buildHeaderCache(options: StartOptions, sequence: string[]): void;
  /** Builds the precompiled header unless a usable one exists (slow: meant for a separate process). */
  buildPrecompiledHeader(options: StartOptions): void;
  include(header: string): void;
  addIncludePath(dir: string): void;
  loadLibrary(name: string): void;
  /** generated: cppjit's own code, parsed without the user's macros. */
  cppdef(code: string, generated?: boolean): void;
  cppexec(code: string): void;
  globalScope(): number;
  lookup(scope: number, name: string): MemberInfo;
  memberNames(scope: number, skipSystemHeaders?: boolean): string[];
  describeClass(scope: number, forDerivation?: boolean): ClassInfo;
  describeEnum(scope: number): EnumInfo;
  qualifiedName(scope: number): string;
  /** The doxygen-style documentation comment of a function (by fid) or a scope (class, namespace, enum); '' if none. */
  docComment(kind: 'function' | 'scope', id: number): string;
  sizeOf(type: string): number;
  parseType(type: string): TypeInfo;
  classByTypeinfoName(name: string): number | null;
  macroKind(name: string): 'object' | 'function' | null;
  compileFunctions(fids: number[], async?: boolean): (NativeFunction | CompileFailure | string)[];
  /** V8 fast calls: compile fast entries from now on; this thread's views of the gate and failure flag. */
  fastSupport(): { gate: ArrayBuffer; failure: ArrayBuffer };
  /** Compiles (once) the fast entry of a callable: its address, or 0 when it has none. */
  compileFastEntry(fid: number): number;
  /** Throws the C++ exception of this thread's last failed fast call. */
  fastRethrow(): never;
  /** How many fast entries ran (a statistic). */
  fastCount(): number;
  announceClassHelpers(spelling: string, polymorphic: boolean, destructible: boolean): void;
  compileClassHelpers(spelling: string, polymorphic: boolean, destructible: boolean): {
    /** Address of `void destroy(void*)` (deletes the object), for the native object registry. */
    destroy?: number;
    downcast?: NativeFunction;
    destroyError?: string;
    downcastError?: string;
  };
  variableAddress(qualifiedName: string): number;
  prepareEvaluate(expression: string): FunctionInfo;
  instantiateClass(spelling: string): number;
  resolveTemplateCall(call: { callee: string; objectType?: string; explicitArgs?: string; argTypes: string[]; isConstructor?: boolean; op?: string }): FunctionInfo;
  /** Address of a free or static function (JIT-compiled `&f`, cached). */
  functionAddress(fid: number): number;
  /** A thunk calling a function pointer (or a std::function) of this signature: call(address, ...args). */
  pointerCaller(signature: number, isStdFunction: boolean): { info: FunctionInfo; call: NativeFunction };
  /** A thunk calling variadic function `fid` with extra arguments of exactly these C++ types. */
  compileVariadic(fid: number, types: string[]): { info: FunctionInfo; call: NativeFunction };
  callbacks: NativeCallbacks;
  memory: NativeMemory;
  objects: NativeObjects;
  flushStdio(): void;
  /** Strings converted while building a temporary for an enclosing call live until releaseStrings (see temporaries.ts). */
  holdStrings(): number;
  unholdStrings(): void;
  releaseStrings(bucket: number): void;
}

/** JS functions held for C++ (native/callbacks.cc). */
export interface NativeCallbacks {
  /** The per-signature adapter (fn, ...args) => result, when values need JS-side conversion. */
  setInvoker(signature: number, invoker: Function | null): void;
  /** A C function pointer (trampoline address) calling fn; weak unless pinned. */
  slot(signature: number, fn: Function, pinned: boolean): number;
  /** Pins (keeps alive) or unpins the JS function of a trampoline; false when it is gone. */
  pin(address: number, on: boolean): boolean;
}

/** The native identity map: weak wraps whose finalizers destroy owned C++ objects. */
export interface NativeObjects {
  track(obj: object, address: number, classId: number, owned: boolean, destroy: number): void;
  find(address: number, classId: number): object | undefined;
  /** Forgets `obj` and runs the C++ destructor when it is owned. */
  release(obj: object): void;
  setOwned(obj: object, owned: boolean, destroy?: number): void;
  liveCount(): number;
  /** Where objects keep their address and class id, and std::string's class id: string parameters then take std::string objects. */
  stringClass(addressKey: symbol, classIdKey: symbol, id: number): void;
  /** The class of cppyy.ll's pointer objects: a const char* parameter takes those of a character type. */
  pointerClass(cls: Function): void;
}
