SELECT approx_count_distinct(ProductNo), approx_count_distinct(CustomerNo) FROM sales
