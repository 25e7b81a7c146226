// src/dts/generate.ts — walks what headers declared (namespaces, classes, functions, enums, templates) and writes a .d.ts augmenting CppGlobal.
import { native } from '../native';
import type { FunctionInfo, MemberInfo, TemplateShapeInfo, TypeInfo } from '../types';
import { adoptsObjects, uniqueElement } from '../convert/ownership';
import { isOptionalParam, paramName, propertyKey, tsType } from './types';

/**
 * Names each namespace held before the headers were included: those are not re-declared. Keyed by
 * qualified name ('' for the global namespace): every interpreter input has its own global scope id.
 */
export type Baseline = Map<string, Set<string>>;

export interface GenerateOptions {
  /** Only these namespaces (qualified: 'geo', 'a::b'); default: the whole global namespace. */
  scopes?: string[];
  baseline?: Baseline;
  /** Class template instantiations to declare ('std::vector<int>'). */
  instantiate?: string[];
  /** Headers named in the banner comment. */
  headers?: string[];
}

/** Records which names each namespace holds now (namespaces recursively), to diff against later. */
export function snapshot(scope = native().globalScope(), qualified = '', out: Baseline = new Map()): Baseline {
  const names = new Set(native().memberNames(scope));
  out.set(qualified, names);
  for (const name of names) {
    const m = native().lookup(scope, name);
    if (m.kind !== 'namespace' || m.scope === undefined) continue;
    // By the namespace's own name, as the generator looks it up (an alias names its target).
    const inner = native().qualifiedName(m.scope);
    if (!out.has(inner)) snapshot(m.scope, inner, out);
  }
  return out;
}

type Line = string | (() => string);

interface Decl {
  name: string;
  lines: Line[];
}


/** Splits `a<b, c<d, e>>` into its template name and top-level arguments. */
function splitTemplate(spelling: string): { name: string; args: string[] } | null {
  const open = spelling.indexOf('<');
  if (open < 0 || !spelling.endsWith('>')) return null;
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < spelling.length - 1; i++) {
    const c = spelling[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      args.push(spelling.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(spelling.slice(start, spelling.length - 1).trim());
  return { name: spelling.slice(0, open), args };
}

class Generator {
  private decls: Decl[] = [];
  private classNames = new Map<number, string | null>();
  private usedNames = new Set<string>();
  /** Known instantiations per template qualified name: subscript key -> class interface. */
  private instances = new Map<string, Map<string, string>>();
  private depth = 0;

  constructor(private baseline: Baseline | undefined) {}

  private uniqueName(prefix: string, qualified: string): string {
    const base = `${prefix}${qualified.replace(/::/g, '$').replace(/[^\w$]+/g, '_').replace(/_+$/, '')}`.slice(0, 80);
    let n = base;
    for (let i = 2; this.usedNames.has(n); i++) n = `${base}_${i}`;
    this.usedNames.add(n);
    return n;
  }

  /** The class interface name for a class scope, declaring it on first use. */
  classType = (scope: number): string | null => {
    if (this.classNames.has(scope)) return this.classNames.get(scope)!;
    let info;
    try {
      info = native().describeClass(scope);
    } catch {
      this.classNames.set(scope, null);
      return null;
    }
    // Classes reached only through other classes' signatures stop at some depth: past it they are CppInstance.
    if (this.depth > 3) return null;
    // Unnamed unions/structs have no name JS could reach them by.
    if (/\((unnamed|anonymous)/.test(info.spelling)) {
      this.classNames.set(scope, null);
      return null;
    }
    const ctor = this.uniqueName('C_', info.spelling);
    const inst = `I${ctor.slice(1)}`;
    this.classNames.set(scope, inst);
    this.depth++;
    try {
      const own: Line[] = [];
      const statics: Line[] = [];
      for (const f of info.fields) {
        if (f.isProtected) continue;
        own.push(`${f.isConst ? 'readonly ' : ''}${propertyKey(f.name)}: ${tsType(f.type, 'out', this.classType)};`);
      }
      for (const name of info.methodNames) {
        const m = native().lookup(scope, name);
        if (m.kind !== 'functions') continue;
        if (m.hasTemplates) {
          // One property per side holding every call signature and the explicit form (obj.as['int']()).
          for (const isStatic of [false, true]) {
            const sigs = this.overloads(m, (kind) => (kind === 'static') === isStatic);
            if (sigs) (isStatic ? statics : own).push(`${propertyKey(name)}: ${sigs} & CppExplicitArgs;`);
          }
          continue;
        }
        for (const f of m.functions ?? []) {
          if (f.isProtected) continue;
          (f.kind === 'static' ? statics : own).push(`${this.jsdoc('function', f.fid)}${propertyKey(name)}${this.signature(f)};`);
        }
      }
      for (const name of info.staticNames) {
        if (info.methodNames.includes(name)) continue;
        const m = native().lookup(scope, name);
        const line = this.member(m, name);
        if (line) statics.push(line);
      }
      if (!info.isAbstract) {
        for (const c of info.constructors) if (!c.isProtected) statics.push(`new${this.signature(c, inst)};`);
      }
      statics.push(`readonly prototype: ${inst};`);
      const bases = info.bases.filter((b) => b.isPublic).map((b) => this.classType(b.scope)).filter((b): b is string => !!b);
      this.decls.push({ name: `${inst}_own`, lines: own });
      this.decls.push({ name: `type ${inst} = ${[`${inst}_own`, ...bases, 'CppInstance'].join(' & ')};`, lines: [] });
      this.decls.push({ name: ctor, lines: statics });
      const t = splitTemplate(info.spelling);
      if (t) {
        let known = this.instances.get(t.name);
        if (!known) this.instances.set(t.name, (known = new Map()));
        for (let n = 1; n <= t.args.length; n++) {
          const key = t.args.slice(0, n).join(', ');
          if (!known.has(key)) known.set(key, ctor);
        }
      }
    } finally {
      this.depth--;
    }
    return inst;
  };

  private ctorOf(inst: string): string {
    return `C${inst.slice(1)}`;
  }

  /** The C++ doc comment as JSDoc (with a trailing space), or ''. */
  private jsdoc(kind: 'function' | 'scope', id: number): string {
    const text = typeof native().docComment === 'function' ? native().docComment(kind, id).trim() : '';
    return text ? `/** ${text.replace(/\*\//g, '*\\/').replace(/\n/g, ' ')} */ ` : '';
  }

  /** ` | T` for a std::unique_ptr<T> parameter (by value or &&), which also takes a T that JS owns (see convert/ownership.ts). */
  private adoptable(t: TypeInfo): string {
    if (!adoptsObjects(t)) return '';
    const element = uniqueElement(t.record!);
    const name = element ? this.classType(element.scope) : null;
    return name ? ` | ${name}` : '';
  }

  /** `(a: number, b?: number): number` (a construct signature when `constructs` names the instance type). */
  private signature(f: FunctionInfo, constructs?: string): string {
    const used = new Set<string>();
    // Trailing std::optional parameters may be left out (an empty optional), like defaulted ones.
    let least = f.minArgs;
    while (least > 0 && isOptionalParam(f.params[least - 1].type)) least--;
    const params = f.params.map((p, i) => {
      const optional = i >= least ? '?' : '';
      return `${paramName(p.name, i, used)}${optional}: ${tsType(p.type, 'in', this.classType)}${this.adoptable(p.type)}`;
    });
    const result = constructs ?? tsType(f.result, 'out', this.classType);
    return `(${params.join(', ')}): ${result}`;
  }

  /**
   * `{ sig; sig; }` for the functions and function templates of a set that `side` selects (by
   * kind, 'static' for templates that are static members); null when none.
   */
  private overloads(m: MemberInfo, side: (kind: string) => boolean = () => true): string | null {
    const fs = (m.functions ?? []).filter((f) => !f.isProtected && side(f.kind));
    const sigs = fs.map((f) => `${this.jsdoc('function', f.fid)}${this.signature(f)};`);
    const shapes = (m.templates ?? []).filter((t) => side(t.isStatic ? 'static' : 'method'));
    for (const t of shapes) {
      const sig = this.templateSignature(t);
      if (sig) sigs.push(`${sig};`);
    }
    // A template cppjit did not describe (an older addon) is any call.
    if (m.hasTemplates && !m.templates) sigs.push('(...args: any[]): any;');
    if (!fs.length && !shapes.length && !(m.hasTemplates && !m.templates)) return null;
    return sigs.length ? `{ ${sigs.join(' ')} }` : '{ }';
  }

  /**
   * A function template as a generic call signature: a parameter that is exactly one of its type
   * parameters (cv/ref T) takes a TS type parameter, one of a fixed type that type, any other
   * dependent one `any`; the result is `any` when it depends on the template's parameters (what
   * cppjit deduces from a JS value is not knowable here). Null when it needs explicit arguments.
   */
  private templateSignature(t: TemplateShapeInfo): string | null {
    if (t.needsExplicit) return null;
    const used = new Set<string>();
    const generics = new Map<number, string>();
    const params = t.params.map((p, i) => {
      const name = paramName(p.name, i, used);
      if (p.isPack) return `...${name}: any[]`;
      let type = 'any';
      if (p.typeParam !== undefined) {
        if (!generics.has(p.typeParam)) generics.set(p.typeParam, '');
        type = `\u0000${p.typeParam}\u0000`;
      } else if (p.type) {
        type = tsType(p.type, 'in', this.classType);
      }
      return `${name}${i >= t.minArgs ? '?' : ''}: ${type}`;
    });
    const result = t.resultDependent || !t.result ? 'any' : tsType(t.result, 'out', this.classType);
    let text = `(${params.join(', ')}): ${result}`;
    // C++'s names when they are identifiers the signature does not otherwise mention.
    const taken = new Set(used);
    for (const index of generics.keys()) {
      const cpp = t.typeParams[index] ?? '';
      let name = /^[A-Za-z_$][\w$]*$/.test(cpp) && !new RegExp(`\\b${cpp}\\b`).test(text) && !taken.has(cpp) ? cpp : `T${index}`;
      while (taken.has(name)) name = `${name}_`;
      taken.add(name);
      generics.set(index, name);
      text = text.split(`\u0000${index}\u0000`).join(name);
    }
    return generics.size ? `<${[...generics.values()].join(', ')}>${text}` : text;
  }

  private functions(m: MemberInfo): string {
    const callable = this.overloads(m) ?? '{ }';
    return m.hasTemplates ? `${callable} & CppFunction & CppExplicitArgs` : `${callable} & CppFunction`;
  }

  /** One property line for a member of a namespace or a class; null when it declares nothing. */
  private member(m: MemberInfo, name: string): string | null {
    const key = propertyKey(name);
    switch (m.kind) {
      case 'namespace': {
        const ns = this.namespace(m.scope!, native().qualifiedName(m.scope!));
        return ns ? `readonly ${key}: ${ns};` : null;
      }
      case 'class': {
        const inst = this.classType(m.scope!);
        return inst ? `${this.jsdoc('scope', m.scope!)}readonly ${key}: ${this.ctorOf(inst)};` : null;
      }
      case 'enum': {
        const e = native().describeEnum(m.scope!);
        const body = e.constants.map((c) => `readonly ${propertyKey(c.name)}: ${typeof c.value === 'bigint' ? `${c.value}n` : c.value};`);
        return `readonly ${key}: { ${body.join(' ')} };`;
      }
      case 'enumconstant':
        return `readonly ${key}: ${typeof m.value === 'bigint' ? `${m.value}n` : m.value};`;
      case 'functions':
        if (!(m.functions ?? []).some((f) => !f.isProtected) && !m.hasTemplates) return null;
        return `${key}: ${this.functions(m)};`;
      case 'variable':
        return `${m.isConst ? 'readonly ' : ''}${key}: ${tsType(m.type!, 'out', this.classType)};`;
      case 'typedef':
        return `readonly ${key}: CppTypeHandle;`;
      case 'classtemplate': {
        const qualified = m.qualifiedName ?? name;
        return `readonly ${key}: ${this.templateType(qualified)};`;
      }
      default:
        return null;
    }
  }

  // Rendered last, when every instantiation the signatures mention is known.
  private templateType(qualified: string): string {
    const decl: Decl = { name: this.uniqueName('T_', qualified), lines: [] };
    decl.lines.push(() => {
      const known = this.instances.get(qualified);
      if (!known) return '';
      return [...known].map(([k, c]) => `readonly ${JSON.stringify(k)}: ${c};`).join('\n  ');
    });
    // Other instantiations are classes too, but abstract ones have no construct signature: any.
    decl.lines.push('readonly [args: string]: any;');
    this.decls.push(decl);
    return `${decl.name} & CppClassTemplateCall`;
  }

  /** The interface of a namespace (only the names that are not in the baseline); null when it is empty. */
  namespace(scope: number, qualified: string): string | null {
    const before = this.baseline?.get(qualified);
    const lines: Line[] = [];
    for (const name of native().memberNames(scope)) {
      // Reserved identifiers (`__x`, `_X`) are the implementation's, not an API.
      if (/^_[_A-Z]/.test(name)) continue;
      let m: MemberInfo;
      try {
        m = native().lookup(scope, name);
      } catch {
        continue;
      }
      if (before?.has(name) && m.kind !== 'namespace') continue;
      const line = this.member(m, name);
      if (line) lines.push(line);
    }
    if (!lines.length && before) return null;
    const iface = this.uniqueName('N_', qualified || 'global');
    this.decls.push({ name: iface, lines });
    return iface;
  }

  /** Declares a class template instantiation (instantiating it). */
  instantiate(spelling: string): void {
    this.classType(native().instantiateClass(spelling));
  }

  render(globalLines: string[], headers: string[]): string {
    const out: string[] = [];
    out.push(`// Generated by \`cppjit dts\`${headers.length ? ` from ${headers.join(' ')}` : ''}: C++ declarations typed for cppyy.gbl.`);
    out.push("import type { CppInstance, CppPointer } from 'cppjit';", '');
    out.push("declare module 'cppjit' {", '  interface CppGlobal {');
    for (const l of globalLines) out.push(`    ${l}`);
    out.push('  }', '}', '');
    out.push('/** What every overload set has besides its call signatures. */');
    out.push('export interface CppFunction { readonly signatures: readonly string[]; overload(parameterTypes: string): (...args: any[]) => any; }');
    out.push('/** A function template\'s explicit instantiations by subscript: fn[\'double\'](x). */');
    out.push('export interface CppExplicitArgs { readonly [explicitArgs: string]: any; }');
    out.push('export type CppAnyClass = new (...args: any[]) => CppInstance;');
    out.push('export type CppClassTemplateCall = (...args: any[]) => CppAnyClass;');
    out.push('/** A typedef of a non-class type: usable wherever cppjit takes a type. */');
    out.push('export interface CppTypeHandle { readonly kind: string; toString(): string; }', '');
    for (const d of this.decls) {
      if (d.name.startsWith('type ')) {
        out.push(`export ${d.name}`);
        continue;
      }
      const body = d.lines.map((l) => (typeof l === 'string' ? l : l())).filter((l) => l);
      out.push(`export interface ${d.name} {${body.length ? `\n  ${body.join('\n  ')}\n` : ' '}}`);
    }
    return `${out.join('\n')}\n`;
  }
}

/** The .d.ts text for what the namespaces declare (minus the baseline). */
export function generateDeclarations(options: GenerateOptions = {}): string {
  const g = new Generator(options.baseline);
  const globalLines: string[] = [];
  const gscope = native().globalScope();
  for (const spelling of options.instantiate ?? []) g.instantiate(spelling);
  if (options.scopes?.length) {
    // --scope a::b: CppGlobal gets `a: { readonly b: N_a$b }` with only that namespace inside.
    for (const qualified of options.scopes) {
      const parts = qualified.split('::').filter(Boolean);
      let scope = gscope;
      for (const part of parts) {
        const m = native().lookup(scope, part);
        if (m.kind !== 'namespace') throw new TypeError(`--scope ${qualified}: ${part} is not a namespace`);
        scope = m.scope!;
      }
      const ns = g.namespace(scope, parts.join('::'));
      if (!ns) continue;
      let type = ns;
      for (let i = parts.length - 1; i > 0; i--) type = `{ readonly ${propertyKey(parts[i])}: ${type} }`;
      globalLines.push(`readonly ${propertyKey(parts[0])}: ${type};`);
    }
  } else {
    const ns = g.namespace(gscope, '');
    if (ns) globalLines.push(`/* see ${ns} */`);
    // The global namespace's own interface is inlined into CppGlobal.
    return g.render([], options.headers ?? []).replace(`    /* see ${ns} */\n`, '').replace(
      '  interface CppGlobal {\n  }',
      `  interface CppGlobal extends ${ns ?? '{}'} {}`,
    );
  }
  return g.render(globalLines, options.headers ?? []);
}
