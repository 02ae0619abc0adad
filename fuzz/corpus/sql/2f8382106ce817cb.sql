SELECT approx_count_distinct(CustomerNo), approx_count_distinct(ProductName) FROM sales
