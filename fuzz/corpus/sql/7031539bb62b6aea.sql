SELECT count(*), sum(Quantity), avg(Price), min(Date), max(Country), count(DISTINCT ProductNo) FROM sales
