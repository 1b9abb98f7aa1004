#!/usr/bin/env node
// `netswim` on PATH (npm link, or npx netswim inside the repo) without a build step: tsx, a
// runtime dependency, loads the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
