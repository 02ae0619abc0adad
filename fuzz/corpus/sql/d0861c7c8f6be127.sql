SELECT Country FROM sales UNION ALL SELECT Country, Quantity FROM sales
