// Lets TypeScript (which checks side-effect imports) accept `import './presence-widgets.css'`;
// the bundler, not TypeScript, handles the file.
declare module '*.css';
