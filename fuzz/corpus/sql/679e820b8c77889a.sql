SELECT sum(count(*)) FROM sales
