// size-limit entry: what a page of badges imports from the published package (see .size-limit.json).
import '../../dist/styles/base.css';
import '../../dist/styles/badge.css';
export { PresenceBadge } from '../../dist/index.js';
