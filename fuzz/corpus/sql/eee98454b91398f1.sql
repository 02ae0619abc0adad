SELECT count(*), sum(Quantity), avg(Price), min(Country), max(Country), stddev_samp(Price), count(DISTINCT Country) FROM sales WHERE false
