import { defineConfig } from 'vite';

// Relative asset paths: the built page works from any directory a static server gives it.
export default defineConfig({ base: './' });
