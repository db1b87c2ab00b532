//! Market data: the Yahoo Finance client and the response cache (Redis or in-process).
