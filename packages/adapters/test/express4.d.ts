// Express 4 is installed as `express4` (npm:express@4) beside Express 5; its API used
// here is the same, so it borrows Express 5's types.
declare module 'express4' {
  import express from 'express';
  export default express;
}
