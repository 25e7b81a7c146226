// src/prestart.ts — imported first by index.ts: the interpreter starts while the other modules load.
import { prestart } from './native';

prestart();
