-- Rollup rows are updated in place by every batch that counts into them (a live shipper's batches every few
-- seconds, or every batch of a day for the daily and weekly rows). With a fifth of each page left free, the new
-- version of a row goes on the same page without new index entries (a HOT update); full pages made every update
-- write every index again. Applies to pages written from now on.
ALTER TABLE "metric_minute" SET (fillfactor = 80);
ALTER TABLE "metric_ip_minute" SET (fillfactor = 80);
ALTER TABLE "metric_provider_minute" SET (fillfactor = 80);
ALTER TABLE "metric_ip_5m" SET (fillfactor = 80);
ALTER TABLE "metric_domain_5m" SET (fillfactor = 80);
ALTER TABLE "metric_hour" SET (fillfactor = 80);
ALTER TABLE "metric_provider_hour" SET (fillfactor = 80);
ALTER TABLE "metric_domain_hour" SET (fillfactor = 80);
ALTER TABLE "metric_domain_day" SET (fillfactor = 80);
ALTER TABLE "metric_domain_week" SET (fillfactor = 80);
ALTER TABLE "signature_minute" SET (fillfactor = 80);
ALTER TABLE "signature_hour" SET (fillfactor = 80);
ALTER TABLE "queue_delta_minute" SET (fillfactor = 80);
ALTER TABLE "queue_delta_hour" SET (fillfactor = 80);
ALTER TABLE "queue_delta_day" SET (fillfactor = 80);
ALTER TABLE "queue_oldest_minute" SET (fillfactor = 80);
ALTER TABLE "queue_oldest_hour" SET (fillfactor = 80);
ALTER TABLE "queue_oldest_day" SET (fillfactor = 80);
