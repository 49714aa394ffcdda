// SPA routing of the chat UI, a CloudFront Function (cloudfront-js-2.0) on
// the viewer requests of the S3 behaviour only: a path whose last segment has
// no file extension (/, /chat/42, /settings/) is an app route and gets
// /index.html; a file (/assets/app.1a2b.js, /favicon.ico) keeps its path, so
// a missing one stays a 404. The bridge paths never reach this function.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
