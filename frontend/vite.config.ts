/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { bundleSizeReport } from "./build/bundleSize.ts";

// The same Content-Security-Policy the Python server sends, so `npm run preview` shows
// any inline script or eval that would break in production.
const CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; script-src 'self'";

const backend = process.env.QIQIAO_BACKEND ?? "http://127.0.0.1:8000";
const proxy = {
  "/api": { target: backend, changeOrigin: false },
  "/healthz": { target: backend, changeOrigin: false },
};

export default defineConfig({
  plugins: [react(), bundleSizeReport()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: { host: "127.0.0.1", proxy },
  preview: { host: "127.0.0.1", proxy, headers: { "Content-Security-Policy": CSP } },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
