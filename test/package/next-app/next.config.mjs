/** @type {import('next').NextConfig} */
export default {
  // The e2e app lives inside the library's repository; its own folder is the root.
  turbopack: { root: import.meta.dirname },
  outputFileTracingRoot: import.meta.dirname,
};
