SELECT * FROM sales LIMIT many
